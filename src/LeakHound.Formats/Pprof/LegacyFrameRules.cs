namespace LeakHound.Formats.Pprof;

/// <summary>
/// The DropFrames/KeepFrames patterns pprof's <c>addLegacyFrameInfo</c> gives a legacy profile,
/// chosen by its sample types: allocator frames for heap profiles, lock internals for contention
/// profiles, signal-handler frames for everything else.
/// </summary>
internal static class LegacyFrameRules
{
    private static readonly string[][] HeapTypes =
    [
        ["allocations", "size"],
        ["objects", "space"],
        ["inuse_objects", "inuse_space"],
        ["alloc_objects", "alloc_space"],
        ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"],
    ];

    private static readonly string[][] ContentionTypes = [["contentions", "delay"]];

    /// <summary>Allocation routines (C, tcmalloc, macOS, the Go runtime, C++).</summary>
    public static readonly string Allocators = string.Join('|',
        "calloc", "cfree", "malloc", "free", "memalign", "do_memalign", "(__)?posix_memalign",
        "pvalloc", "valloc", "realloc",
        "tcmalloc::.*", "tc_calloc", "tc_cfree", "tc_malloc", "tc_free", "tc_memalign",
        "tc_posix_memalign", "tc_pvalloc", "tc_valloc", "tc_realloc", "tc_new", "tc_delete",
        "tc_newarray", "tc_deletearray", "tc_new_nothrow", "tc_newarray_nothrow",
        "malloc_zone_malloc", "malloc_zone_calloc", "malloc_zone_valloc", "malloc_zone_realloc",
        "malloc_zone_memalign", "malloc_zone_free",
        @"runtime\..*",
        "BaseArena::.*", "(::)?do_malloc_no_errno", "(::)?do_malloc_pages", "(::)?do_malloc",
        "DoSampledAllocation", "MallocedMemBlock::MallocedMemBlock", "_M_allocate",
        "__builtin_(vec_)?delete", "__builtin_(vec_)?new", "__gnu_cxx::new_allocator::allocate",
        "__libc_malloc", "__malloc_alloc_template::allocate", "allocate", "cpp_alloc",
        @"operator new(\[\])?", "simple_alloc::allocate");

    /// <summary>Go runtime frames kept although they match <see cref="Allocators"/>.</summary>
    public static readonly string AllocatorExceptions = string.Join('|',
        @"runtime\.panic", @"runtime\.reflectcall", @"runtime\.call[0-9]*");

    /// <summary>Frames the C++ CPU profiler's signal handler adds.</summary>
    public static readonly string CpuProfiler = string.Join('|',
        "ProfileData::Add", "ProfileData::prof_handler", "CpuProfiler::prof_handler",
        "__pthread_sighandler", "__restore");

    /// <summary>Lock implementation frames.</summary>
    public static readonly string Locks = string.Join('|',
        "RecordLockProfileData",
        "(base::)?RecordLockProfileData.*", "(base::)?SubmitMutexProfileData.*",
        "(base::)?SubmitSpinLockProfileData.*",
        "(base::Mutex::)?AwaitCommon.*", "(base::Mutex::)?Unlock.*", "(base::Mutex::)?UnlockSlow.*",
        "(base::Mutex::)?ReaderUnlock.*", "(base::MutexLock::)?~MutexLock.*",
        "(Mutex::)?AwaitCommon.*", "(Mutex::)?Unlock.*", "(Mutex::)?UnlockSlow.*",
        "(Mutex::)?ReaderUnlock.*", "(MutexLock::)?~MutexLock.*",
        "(SpinLock::)?Unlock.*", "(SpinLock::)?SlowUnlock.*", "(SpinLockHolder::)?~SpinLockHolder.*");

    public static (string Drop, string Keep) For(ProfileValueType[] sampleTypes)
    {
        if (Matches(sampleTypes, HeapTypes)) return (Allocators, AllocatorExceptions);
        if (Matches(sampleTypes, ContentionTypes)) return (Locks, "");
        return (CpuProfiler, "");
    }

    private static bool Matches(ProfileValueType[] types, string[][] candidates)
    {
        foreach (var c in candidates)
        {
            if (c.Length != types.Length) continue;
            bool all = true;
            for (int i = 0; i < c.Length && all; i++) all = types[i].Type == c[i];
            if (all) return true;
        }
        return false;
    }
}
