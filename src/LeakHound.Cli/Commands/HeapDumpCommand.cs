using LeakHound.Core;
using LeakHound.Formats.HeapDump;
using LeakHound.Reports.HeapDump;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound heapdump DUMP VERB</c>: reads a Go heap dump (runtime/debug.WriteHeapDump, plain or
/// gzipped). <c>print</c> writes every record as it is read; <c>summary</c> shows the runtime,
/// MemStats, objects by size class and the count of each record kind.
/// </summary>
public static class HeapDumpCommand
{
    public const string Usage = "leakhound heapdump DUMP print|summary";

    private static readonly Dictionary<string, bool> Known = new();

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var cl = CommandLine.Parse(args, Known);
        if (cl.Positionals.Count != 2) throw new UsageException("usage: " + Usage);
        string path = cl.Positionals[0];
        switch (cl.Positionals[1])
        {
            case "print":
                HeapDumpPrinter.Print(path, stdout, Limits.Default);
                return 0;
            case "summary":
                HeapDumpSummaryReport.Write(HeapDumpReader.Read(path, Limits.Default), stdout);
                return 0;
            default:
                throw new UsageException($"unknown heapdump verb \"{cl.Positionals[1]}\"; usage: {Usage}");
        }
    }
}
