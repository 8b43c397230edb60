using System.Globalization;
using System.Runtime.CompilerServices;
using LeakHound.Core;
using LeakHound.Formats.Pprof;

namespace LeakHound.Analysis.Trends;

/// <summary>
/// Heap profiles of one process run aggregated into one series per allocation site. A site is a
/// sample's stack, named by its first frame outside the Go runtime and standard library (the leaf
/// when the whole stack is theirs); its key is that frame's function, file and line plus the
/// function names of the whole stack, leaf first, inlined lines included, so that the same stack
/// matches in profiles whose location ids differ. Samples of one stack that differ only in labels
/// (Go writes one per object size) add up.
/// <para>
/// A sample is matched by a 128-bit hash of its key, never by building the key: two polynomial
/// rolling hashes (modulo 2^64, different odd bases) over the function names, each name a random
/// 64-bit value, continued by the site frame. Per location the names reduce to one multiply-add per
/// hash, so a frame costs one read of a 32-byte entry, and the hashes index an open-addressing
/// table directly. Distinct keys collide only by chance, about one pair in 2^64 per hash (the
/// structured collisions of polynomial hashing modulo 2^64 need sequences of thousands of
/// symbols, far deeper than any stack the runtime records). The key itself (interned string ids)
/// is stored once per site, for its names. Profiles are parsed in parallel, then hashed and merged in order.
/// </para>
/// <para>
/// In-use bytes and sampled objects are kept in one row per snapshot, indexed by site, so that
/// adding a profile writes within a few hundred kilobytes; series are read per site only for the
/// sites that are fitted. Allocated bytes (cumulative since the process started) are kept for the
/// first and last snapshots only: their difference is all the analysis asks of them.
/// </para>
/// </summary>
public sealed class HeapSiteTable
{
    private const ulong Base1 = 0x9E3779B97F4A7C15, Base2 = 0xC2B2AE3D27D4EB4F;

    private readonly Dictionary<string, int> _nameIds = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly List<sbyte> _nameIsUser = []; // 1 user, 0 standard, -1 not known yet
    private readonly List<ulong> _nameValue1 = [];
    private readonly List<ulong> _nameValue2 = [];

    // Site k's key is _keyData[_keyStart[k] .. _keyStart[k + 1]]: function, file and line of the
    // site frame, then the stack's function names.
    private GrowableArray<int> _keyData = new(1024);
    private GrowableArray<int> _keyStart = new(64);
    // Open addressing over the 128-bit key hashes (already random: no further hashing), linear
    // probing; a slot's hashes and site side by side, so a probe reads one cache line.
    private Slot[] _slots = NewSlots(1024);

    private struct Slot
    {
        public ulong H1, H2;
        public int Site; // -1: empty
    }

    // One row per snapshot, indexed by site; a row is as long as the site count once its snapshot
    // was added (sites first seen later are 0 there).
    private readonly long[][] _inuseSpace;
    private readonly double[][] _sampled;
    private long[] _allocFirst = [], _allocLast = [];

    public HeapSiteTable(int snapshots)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(snapshots);
        Snapshots = snapshots;
        _keyStart.Add(0);
        Intern("");
        Period = new double[snapshots];
        TotalInuseSpace = new double[snapshots];
        _inuseSpace = new long[snapshots][];
        _sampled = new double[snapshots][];
        for (int t = 0; t < snapshots; t++)
        {
            _inuseSpace[t] = [];
            _sampled[t] = [];
        }
    }

    /// <summary>How many snapshots (columns) the table holds.</summary>
    public int Snapshots { get; }

    public int SiteCount => _keyStart.Count - 1;

    /// <summary>Each snapshot's sampling period (runtime.MemProfileRate), 0 when the profile had none.</summary>
    public double[] Period { get; }

    /// <summary>Each snapshot's total inuse_space.</summary>
    public double[] TotalInuseSpace { get; }

    /// <summary>Site <paramref name="site"/>'s in-use bytes in snapshot <paramref name="t"/> (0 where absent).</summary>
    public long InuseSpace(int site, int t) => At(_inuseSpace[t], site);

    /// <summary>
    /// Bytes the site allocated between the first and the last snapshot (alloc_space is cumulative
    /// since the process started; a site absent from a snapshot counts 0 there).
    /// </summary>
    public long AllocatedFirstToLast(int site) => At(_allocLast, site) - At(_allocFirst, site);

    /// <summary>
    /// How many in-use objects the runtime actually sampled: each sample's inuse_objects times
    /// 1 − e^(−size/rate), undoing pprof's scaling (size = inuse_space / inuse_objects).
    /// </summary>
    public double SampledObjects(int site, int t) => site < _sampled[t].Length ? _sampled[t][site] : 0;

    /// <summary>Snapshot <paramref name="t"/>'s in-use bytes by site; sites past its end are absent (0).</summary>
    public ReadOnlySpan<long> InuseSpaceRow(int t) => _inuseSpace[t];

    public ReadOnlySpan<double> SampledObjectsRow(int t) => _sampled[t];

    /// <summary>Site <paramref name="site"/>'s in-use bytes, one value per snapshot.</summary>
    public void CopyInuseSpace(int site, Span<double> destination)
    {
        if (destination.Length < Snapshots) throw new ArgumentException("destination is shorter than the snapshots", nameof(destination));
        for (int t = 0; t < Snapshots; t++) destination[t] = At(_inuseSpace[t], site);
    }

    /// <summary>The site frame's function.</summary>
    public string Function(int site) => _names[_keyData[_keyStart[site]]];

    public string File(int site) => _names[_keyData[_keyStart[site] + 1]];

    public int Line(int site) => _keyData[_keyStart[site] + 2];

    /// <summary>The stack's function names, leaf first (inlined functions before their callers).</summary>
    public IReadOnlyList<string> Stack(int site)
    {
        int start = _keyStart[site] + 3, end = _keyStart[site + 1];
        var names = new string[end - start];
        for (int i = start; i < end; i++) names[i - start] = _names[_keyData[i]];
        return names;
    }

    /// <summary>True when the profile has the heap sample types (inuse_space, inuse_objects, alloc_space).</summary>
    public static bool IsHeapProfile(Profile p) =>
        IndexOf(p, "inuse_space") >= 0 && IndexOf(p, "inuse_objects") >= 0 && IndexOf(p, "alloc_space") >= 0;

    /// <summary>One location's names as a step of the rolling hashes.</summary>
    private struct LocationStep
    {
        public ulong Mul1, Add1, Mul2, Add2;
    }

    /// <summary>A profile reduced to what merging needs: per sample its key's hash, site frame and sampled objects.</summary>
    private sealed class PreparedProfile
    {
        public int T;
        public Profile P = null!;
        public int ISpace, IObjects, IAlloc;
        public int[] FName = [], FFile = [], Unsymbolized = [];
        public bool[] FUser = [];
        public ulong[] H1 = [], H2 = [];
        public int[] SiteFn = [], SiteFile = [], SiteLine = [], SiteOf = [];
        public double[] Sampled = [];
    }

    /// <summary>Adds the samples of heap profile <paramref name="p"/> as snapshot <paramref name="t"/>.</summary>
    public void Add(int t, Profile p) => AddRange(t, [new HeapProfileSource(p)]);

    /// <summary>
    /// Adds heap profiles as snapshots <paramref name="firstT"/>, <paramref name="firstT"/> + 1, ….
    /// Profiles not held already are parsed ahead on the thread pool, a bounded window at a time,
    /// while this thread interns, hashes and merges them in order and lets them go: parsing (the
    /// bulk of the work) keeps every core busy, and only the window's profiles are held. Each
    /// source's <see cref="HeapProfileSource.InuseTotal"/> is set.
    /// </summary>
    public void AddRange(int firstT, IReadOnlyList<HeapProfileSource> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentOutOfRangeException.ThrowIfNegative(firstT);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstT + profiles.Count, Snapshots);
        int n = profiles.Count;
        int window = Math.Max(2, 2 * Environment.ProcessorCount);
        var parsing = new Task<Profile>[n];
        static Task<Profile> Parse(HeapProfileSource s) => s.IsParsed ? Task.FromResult(s.Load()) : Task.Run(s.Load);
        for (int i = 0; i < Math.Min(window, n); i++) parsing[i] = Parse(profiles[i]);
        var pp = new PreparedProfile(); // per-sample buffers, reused
        for (int i = 0; i < n; i++)
        {
            var p = parsing[i].GetAwaiter().GetResult(); // a parse's InputException, as thrown
            parsing[i] = null!;
            if (i + window < n) parsing[i + window] = Parse(profiles[i + window]);
            Intern(pp, firstT + i, p);
            Hash(pp);
            Merge(pp);
            profiles[i].InuseTotal = TotalInuseSpace[firstT + i];
            pp.P = null!;
        }
    }

    /// <summary>Interns the profile's function names and files (and unsymbolized addresses): the only step that writes shared state.</summary>
    private void Intern(PreparedProfile pp, int t, Profile p)
    {
        pp.T = t;
        pp.P = p;
        pp.ISpace = IndexOf(p, "inuse_space");
        pp.IObjects = IndexOf(p, "inuse_objects");
        pp.IAlloc = IndexOf(p, "alloc_space");
        if (pp.ISpace < 0 || pp.IObjects < 0 || pp.IAlloc < 0)
            throw new ArgumentException("not a heap profile: it lacks inuse_space, inuse_objects or alloc_space", nameof(p));
        int fc = p.Functions.Length;
        pp.FName = new int[fc];
        pp.FFile = new int[fc];
        pp.FUser = new bool[fc];
        for (int f = 0; f < fc; f++)
        {
            pp.FName[f] = Intern(p.Functions[f].Name);
            pp.FFile[f] = Intern(p.Functions[f].Filename);
            pp.FUser[f] = IsUser(pp.FName[f]);
        }
        // Locations without lines (not symbolized) are named by their address, stable within one run.
        pp.Unsymbolized = new int[p.Locations.Length];
        for (int l = 0; l < p.Locations.Length; l++)
            if (p.Locations[l].LineCount == 0)
                pp.Unsymbolized[l] = Intern("0x" + p.Locations[l].Address.ToString("x", CultureInfo.InvariantCulture));
    }

    /// <summary>Hashes every sample's key and finds its site frame; reads shared state only.</summary>
    // Runs millions of times on the first call: compiled optimized at once, not after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Hash(PreparedProfile pp)
    {
        var p = pp.P;
        var locations = p.Locations;
        var lines = p.Lines;
        var fName = pp.FName;
        int empty = _nameIds[""];
        var steps = new LocationStep[locations.Length];
        var userLine = new int[locations.Length]; // the location's first line in user code (innermost first), or -1
        for (int l = 0; l < locations.Length; l++)
        {
            ref readonly var location = ref locations[l];
            ref var step = ref steps[l];
            step.Mul1 = step.Mul2 = 1;
            userLine[l] = -1;
            if (location.LineCount == 0)
            {
                Roll(ref step, pp.Unsymbolized[l]);
                continue;
            }
            for (int li = location.FirstLine; li < location.FirstLine + location.LineCount; li++)
            {
                int f = lines[li].Function;
                Roll(ref step, f >= 0 ? fName[f] : empty);
                if (userLine[l] < 0 && f >= 0 && pp.FUser[f]) userLine[l] = li;
            }
        }

        int n = p.SampleCount;
        if (pp.H1.Length < n)
        {
            pp.H1 = new ulong[n];
            pp.H2 = new ulong[n];
            pp.SiteFn = new int[n];
            pp.SiteFile = new int[n];
            pp.SiteLine = new int[n];
            pp.SiteOf = new int[n];
            pp.Sampled = new double[n];
        }
        double rate = p.Period > 0 ? p.Period : 0;
        var values = p.Values;
        int vc = p.ValueCount;
        var stackStart = p.StackStart;
        var stack = p.Stack;
        for (int s = 0; s < n; s++)
        {
            ulong h1 = 0, h2 = 0;
            int found = -1;
            int from = stackStart[s], to = stackStart[s + 1];
            unchecked
            {
                for (int k = from; k < to; k++)
                {
                    int loc = stack[k];
                    ref readonly var step = ref steps[loc];
                    h1 = h1 * step.Mul1 + step.Add1;
                    h2 = h2 * step.Mul2 + step.Add2;
                    if (found < 0) found = userLine[loc];
                }
            }
            // The site frame: the first user line, else the leaf's first line.
            int siteFn = empty, siteFile = empty, siteLine = 0;
            int lineIndex = found >= 0 ? found : from < to && locations[stack[from]].LineCount > 0 ? locations[stack[from]].FirstLine : -1;
            if (lineIndex >= 0)
            {
                int f = lines[lineIndex].Function;
                if (f >= 0) (siteFn, siteFile) = (fName[f], pp.FFile[f]);
                siteLine = (int)Math.Clamp(lines[lineIndex].Number, 0, int.MaxValue);
            }
            else if (from < to) siteFn = pp.Unsymbolized[stack[from]];
            unchecked
            {
                pp.H1[s] = ((h1 * Base1 + _nameValue1[siteFn]) * Base1 + _nameValue1[siteFile]) * Base1 + Mix((ulong)siteLine);
                pp.H2[s] = ((h2 * Base2 + _nameValue2[siteFn]) * Base2 + _nameValue2[siteFile]) * Base2 + Mix((ulong)siteLine ^ 0x5555);
            }
            pp.SiteFn[s] = siteFn;
            pp.SiteFile[s] = siteFile;
            pp.SiteLine[s] = siteLine;
            long objects = values[s * vc + pp.IObjects];
            double sampled = 0;
            if (objects > 0)
            {
                double size = (double)values[s * vc + pp.ISpace] / objects;
                sampled = rate > 0 ? objects * (1 - Math.Exp(-size / rate)) : objects;
            }
            pp.Sampled[s] = sampled;
        }
    }

    /// <summary>
    /// Finds or adds each sample's site, then adds the samples' values to the snapshot's rows, made
    /// as long as the site count is once every sample has its site.
    /// </summary>
    // Runs millions of times on the first call: compiled optimized at once, not after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Merge(PreparedProfile pp)
    {
        var p = pp.P;
        int t = pp.T;
        Period[t] = p.Period > 0 ? p.Period : 0;
        var values = p.Values;
        int vc = p.ValueCount;
        var siteOf = pp.SiteOf;
        for (int s = 0; s < p.SampleCount; s++)
        {
            long space = values[s * vc + pp.ISpace], objects = values[s * vc + pp.IObjects], alloc = values[s * vc + pp.IAlloc];
            siteOf[s] = space == 0 && objects == 0 && alloc == 0 ? -1 : FindOrAdd(pp, s);
        }
        int count = SiteCount;
        var inuseRow = new long[count];
        var sampledRow = new double[count];
        bool first = t == 0, last = t == Snapshots - 1;
        var allocRow = first || last ? new long[count] : null;
        double total = 0;
        for (int s = 0; s < p.SampleCount; s++)
        {
            int site = siteOf[s];
            if (site < 0) continue;
            long space = values[s * vc + pp.ISpace];
            inuseRow[site] += space;
            sampledRow[site] += pp.Sampled[s];
            if (allocRow is not null) allocRow[site] += values[s * vc + pp.IAlloc];
            total += space;
        }
        TotalInuseSpace[t] = total;
        _inuseSpace[t] = inuseRow;
        _sampled[t] = sampledRow;
        if (first) _allocFirst = allocRow!;
        if (last) _allocLast = allocRow!;
    }

    private void Roll(ref LocationStep step, int name)
    {
        unchecked
        {
            step.Add1 = step.Add1 * Base1 + _nameValue1[name];
            step.Mul1 *= Base1;
            step.Add2 = step.Add2 * Base2 + _nameValue2[name];
            step.Mul2 *= Base2;
        }
    }

    /// <summary>The site of sample <paramref name="s"/>, added (key stored, row grown) when new.</summary>
    private int FindOrAdd(PreparedProfile pp, int s)
    {
        ulong h1 = pp.H1[s], h2 = pp.H2[s];
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int i = (int)(h1 & (ulong)mask); ; i = (i + 1) & mask)
        {
            ref var slot = ref slots[i];
            if (slot.Site < 0)
            {
                int site = SiteCount;
                slot = new Slot { H1 = h1, H2 = h2, Site = site };
                StoreKey(pp, s);
                // At most half full, so probes stay short.
                if (2 * SiteCount > slots.Length) GrowSlots();
                return site;
            }
            if (slot.H1 == h1 && slot.H2 == h2) return slot.Site;
        }
    }

    private void GrowSlots()
    {
        var old = _slots;
        _slots = NewSlots(old.Length * 2);
        int mask = _slots.Length - 1;
        foreach (var slot in old)
        {
            if (slot.Site < 0) continue;
            int i = (int)(slot.H1 & (ulong)mask);
            while (_slots[i].Site >= 0) i = (i + 1) & mask;
            _slots[i] = slot;
        }
    }

    private static Slot[] NewSlots(int size)
    {
        var slots = new Slot[size];
        for (int i = 0; i < size; i++) slots[i].Site = -1;
        return slots;
    }

    /// <summary>Stores a new site's key: the site frame, then the names of sample <paramref name="s"/>'s stack.</summary>
    private void StoreKey(PreparedProfile pp, int s)
    {
        var p = pp.P;
        int empty = _nameIds[""];
        _keyData.Add(pp.SiteFn[s]);
        _keyData.Add(pp.SiteFile[s]);
        _keyData.Add(pp.SiteLine[s]);
        foreach (int loc in p.SampleStack(s))
        {
            if (p.Locations[loc].LineCount == 0)
            {
                _keyData.Add(pp.Unsymbolized[loc]);
                continue;
            }
            foreach (var line in p.LocationLines(loc)) _keyData.Add(line.Function >= 0 ? pp.FName[line.Function] : empty);
        }
        _keyStart.Add(_keyData.Count);
    }

    private static long At(long[] row, int site) => site < row.Length ? row[site] : 0;

    private int Intern(string s)
    {
        if (_nameIds.TryGetValue(s, out int id)) return id;
        id = _names.Count;
        _names.Add(s);
        _nameIsUser.Add(-1);
        _nameValue1.Add(Mix((ulong)id * 2 + 1));
        _nameValue2.Add(Mix(((ulong)id * 2 + 1) ^ 0xD6E8FEB86659FD93));
        _nameIds.Add(s, id);
        return id;
    }

    private bool IsUser(int name)
    {
        sbyte u = _nameIsUser[name];
        if (u < 0)
        {
            u = GoPackages.IsUser(_names[name]) ? (sbyte)1 : (sbyte)0;
            _nameIsUser[name] = u;
        }
        return u == 1;
    }

    /// <summary>SplitMix64's finalizer: a value that looks random for each input.</summary>
    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }

    private static int IndexOf(Profile p, string type)
    {
        for (int i = 0; i < p.SampleTypes.Length; i++)
            if (p.SampleTypes[i].Type == type) return i;
        return -1;
    }
}
