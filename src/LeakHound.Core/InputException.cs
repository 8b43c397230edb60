namespace LeakHound.Core;

/// <summary>
/// The user's input is bad: a truncated file, a wrong format, a count over a limit. The message is
/// one line a user can act on; the CLI prints it and exits with code 2. Everything else that is
/// thrown is a bug in LeakHound.
/// </summary>
public sealed class InputException : Exception
{
    public InputException(string source, string problem)
        : base($"{source}: {problem}")
    {
        InputName = source;
        Problem = problem;
    }

    /// <summary>The file (or URL, or "standard input") the problem is in.</summary>
    public string InputName { get; }

    /// <summary>What is wrong, without the source.</summary>
    public string Problem { get; }

    public static InputException AtOffset(string source, long offset, string problem) =>
        new(source, $"offset {offset}: {problem}");

    public static InputException AtLine(string source, int line, string problem) =>
        new(source, $"line {line}: {problem}");
}
