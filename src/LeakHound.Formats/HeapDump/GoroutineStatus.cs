namespace LeakHound.Formats.HeapDump;

/// <summary>The runtime's goroutine statuses as the dump records them.</summary>
public static class GoroutineStatus
{
    public static string Name(ulong status) => (status & ~0x1000UL) switch
    {
        0 => "idle",
        1 => "runnable",
        2 => "running",
        3 => "syscall",
        4 => "waiting",
        6 => "dead",
        8 => "copystack",
        9 => "preempted",
        _ => "unknown",
    } + ((status & 0x1000) != 0 ? " (scan)" : "");
}
