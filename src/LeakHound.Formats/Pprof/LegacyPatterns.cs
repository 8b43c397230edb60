using System.Text.RegularExpressions;

namespace LeakHound.Formats.Pprof;

/// <summary>
/// The regular expressions pprof's legacy parsers use, rewritten for .NET with Go's (RE2) meaning:
/// <c>\d</c> and <c>\s</c> are ASCII-only in Go (<c>\s</c> is <c>[\t\n\f\r ]</c>), POSIX classes are
/// spelled out, and <c>$</c> becomes <c>\z</c>. Both engines prefer the leftmost match and, within it,
/// the same alternatives and repetition lengths, so the groups captured are the same. They run on
/// byte text (one char per input byte).
/// </summary>
internal static partial class LegacyPatterns
{
    private const RegexOptions Options = RegexOptions.CultureInvariant;

    /// <summary><c>NAME profile: total N</c>, the whole line.</summary>
    [GeneratedRegex(@"\A([^\t\n\f\r ]+) profile: total [0-9]+\z", Options)]
    public static partial Regex CountStart();

    /// <summary><c>N @ 0x… 0x…</c>, the whole line.</summary>
    [GeneratedRegex(@"\A([0-9]+) @(( 0x[0-9a-f]+)+)\z", Options)]
    public static partial Regex CountSample();

    [GeneratedRegex(@"heap profile: *([0-9]+): *([0-9]+) *\[ *([0-9]+): *([0-9]+) *\] *@ *(heap[_a-z0-9]*)/?([0-9]*)", Options)]
    public static partial Regex HeapHeader();

    [GeneratedRegex(@"heap profile: *([0-9]+): *([0-9]+) *\[ *([0-9]+): *([0-9]+) *\] @ growthz?", Options)]
    public static partial Regex GrowthHeader();

    [GeneratedRegex(@"heap profile: *([0-9]+): *([0-9]+) *\[ *([0-9]+): *([0-9]+) *\] @ fragmentationz?", Options)]
    public static partial Regex FragmentationHeader();

    [GeneratedRegex(@"(-?[0-9]+): *(-?[0-9]+) *\[ *([0-9]+): *([0-9]+) *\] @([ x0-9a-f]*)", Options)]
    public static partial Regex HeapSample();

    [GeneratedRegex(@"([0-9]+) *([0-9]+) @([ x0-9a-f]*)", Options)]
    public static partial Regex ContentionSample();

    [GeneratedRegex(@"--- threadz [0-9]+ ---", Options)]
    public static partial Regex ThreadzStart();

    [GeneratedRegex(@"--- Thread ([0-9A-Fa-f]+) \(name: (.*)/([0-9]+)\) stack: ---", Options)]
    public static partial Regex ThreadStart();

    // Memory map lines. /proc/PID/maps: "start-end perm offset dev inode file"; the brief form:
    // "start-end [perm] file [(@offset)] [buildid]". Groups: start, end, perm, then offset, file (proc)
    // or file, offset, build id (brief).
    [GeneratedRegex(@"^[\t\n\f\r ]*(?:0x)?([0-9A-Fa-f]+)[\t\n\f\r -]?[\t\n\f\r ]*(?:0x)?([0-9A-Fa-f]+):?(?:[\t\n\f\r ]+([-rwxp]+))?(?:[\t\n\f\r ]+([0-9A-Fa-f]+))?[\t\n\f\r ]+[0-9A-Fa-f]+:[0-9A-Fa-f]+[\t\n\f\r ]+[0-9]+(?:[\t\n\f\r ]+([^\t\n\f\r ]+))?", Options)]
    public static partial Regex ProcMaps();

    [GeneratedRegex(@"^[\t\n\f\r ]*(?:0x)?([0-9A-Fa-f]+)[\t\n\f\r -]?[\t\n\f\r ]*(?:0x)?([0-9A-Fa-f]+):?(?:[\t\n\f\r ]+([-rwxp]+))?(?:[\t\n\f\r ]+([^\t\n\f\r ]+))?(?:[\t\n\f\r ]+\(@([0-9A-Fa-f]+)\))?(?:[\t\n\f\r ]+([0-9A-Fa-f]+))?", Options)]
    public static partial Regex BriefMaps();

    /// <summary>A glog prefix, "… file:line] ".</summary>
    [GeneratedRegex(@"^[^\[\]]+:[0-9]+\][\t\n\f\r ]", Options)]
    public static partial Regex LogInfo();

    /// <summary>Shared-library file names, which are never taken for the main binary.</summary>
    [GeneratedRegex(@"([.]so\z|[.]so[._][0-9]+)", Options)]
    public static partial Regex Library();
}
