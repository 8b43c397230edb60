using System.Reflection;

namespace LeakHound.Hunt;

/// <summary>What wrote a store or sent a request: the program's name and version ("leakhound 0.1.0").</summary>
internal static class HuntVersion
{
    private static readonly AssemblyName Entry = (Assembly.GetEntryAssembly() ?? typeof(HuntVersion).Assembly).GetName();

    public static string Number { get; } = Entry.Version?.ToString(3) ?? "0";

    public static string Text { get; } = $"{Entry.Name} {Number}";
}
