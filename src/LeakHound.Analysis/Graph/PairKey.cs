namespace LeakHound.Analysis.Graph;

/// <summary>
/// A dictionary key for a pair of ids. The plain packing (a &lt;&lt; 32 | b) hashes as a ^ b, which
/// collides badly when the two ids are close — a call tree's caller and callee are numbered
/// one after the other — so the packed pair is multiplied by an odd constant: still one key per
/// pair (multiplying by an odd number is a bijection on 64 bits), with the bits mixed.
/// </summary>
internal static class PairKey
{
    public static long Of(int a, int b) => unchecked((((long)a << 32) | (uint)b) * -7046029254386353131L); // 0x9E3779B97F4A7C15
}
