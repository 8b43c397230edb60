namespace LeakHound.Tests.Support;

/// <summary>Runs the leakhound command line in process, capturing what a user would see.</summary>
public static class LeakHoundCli
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = LeakHound.Cli.Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
