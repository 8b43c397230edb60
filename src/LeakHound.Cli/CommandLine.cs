using System.Globalization;
using LeakHound.Core;

namespace LeakHound.Cli;

/// <summary>
/// The parsed arguments of one verb: options by canonical (pprof, snake_case) name and positional
/// arguments. Accepts pprof's spellings (<c>-sample_index=x</c>, <c>-cum</c>) and kebab-case ones
/// (<c>--sample-index x</c>); every option must be declared by the verb.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _all = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public List<string> Positionals { get; } = [];

    /// <summary>Options the verb knows: name → takes a value (true) or is a switch (false).</summary>
    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, bool> known)
    {
        var cl = new CommandLine();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                cl.Positionals.AddRange(args.Skip(i + 1));
                break;
            }
            if (a.Length < 2 || a[0] != '-')
            {
                cl.Positionals.Add(a);
                continue;
            }
            string body = a.StartsWith("--", StringComparison.Ordinal) ? a[2..] : a[1..];
            string? value = null;
            int eq = body.IndexOf('=');
            if (eq >= 0)
            {
                value = body[(eq + 1)..];
                body = body[..eq];
            }
            string name = body.Replace('-', '_');
            if (!known.TryGetValue(name, out bool takesValue))
                throw new UsageException($"unknown option {a}; see 'leakhound help'");
            if (takesValue && value is null)
            {
                if (i + 1 >= args.Count) throw new UsageException($"option {a} needs a value");
                value = args[++i];
            }
            if (!takesValue && value is not null && !bool.TryParse(value, out _))
                throw new UsageException($"option -{name} takes true or false, not \"{value}\"");
            cl._values[name] = takesValue ? value : (value ?? "true");
            if (takesValue)
            {
                if (!cl._all.TryGetValue(name, out var list)) cl._all[name] = list = [];
                list.Add(value!);
            }
            cl._order.Add(name);
        }
        return cl;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>Option names in the order given.</summary>
    public IReadOnlyList<string> Order => _order;

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>Every value given for a repeatable option, in order.</summary>
    public IReadOnlyList<string> GetAll(string name) => _all.TryGetValue(name, out var list) ? list : [];

    public bool Flag(string name) => _values.TryGetValue(name, out var v) && v is not null && bool.Parse(v);

    public int Int(string name, int fallback)
    {
        var v = Get(name);
        if (v is null) return fallback;
        if (!int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int r))
            throw new UsageException($"option -{name} needs an integer, not \"{v}\"");
        return r;
    }

    public double Double(string name, double fallback)
    {
        var v = Get(name);
        if (v is null) return fallback;
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double r))
            throw new UsageException($"option -{name} needs a number, not \"{v}\"");
        return r;
    }
}
