namespace LeakHound.Tests.Cli;

/// <summary>The CLI's source reader, for analysis tests that need source lines.</summary>
public sealed class SourceLinesForTests
{
    private readonly LeakHound.Cli.SourceLines _lines = new();

    public string? Line(string path, int line) => _lines.Line(path, line);
}
