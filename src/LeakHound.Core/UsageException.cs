namespace LeakHound.Core;

/// <summary>The command line asks for something that cannot be done (an unknown option, a sample index the profile lacks). Exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
