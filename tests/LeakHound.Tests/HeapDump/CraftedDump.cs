using System.Text;

namespace LeakHound.Tests.HeapDump;

/// <summary>Writes small heap dumps by hand, record by record, in the runtime's encoding (uvarints, length-prefixed strings).</summary>
public sealed class CraftedDump
{
    private readonly MemoryStream _ms = new();

    public CraftedDump(string header = "go1.7 heap dump\n")
    {
        Raw(Encoding.ASCII.GetBytes(header));
    }

    public long Length => _ms.Length;

    public CraftedDump U(ulong v)
    {
        while (v >= 0x80)
        {
            _ms.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        _ms.WriteByte((byte)v);
        return this;
    }

    public CraftedDump Raw(byte[] bytes)
    {
        _ms.Write(bytes);
        return this;
    }

    public CraftedDump Str(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        return U((ulong)b.Length).Raw(b);
    }

    /// <summary>A little-endian, 8-byte-pointer params record, as amd64 writes it.</summary>
    public CraftedDump Params(string version = "go1.19.8") =>
        U(6).U(0).U(8).U(0xc000000000).U(0xc004000000).Str("amd64").Str(version).U(2);

    /// <summary>An object record whose contents are the given 8-byte words, with pointer fields at the given offsets.</summary>
    public CraftedDump Object(ulong address, ulong[] words, params int[] pointerOffsets)
    {
        U(1).U(address).U((ulong)words.Length * 8);
        foreach (ulong w in words) Raw(BitConverter.GetBytes(w));
        foreach (int off in pointerOffsets) U(1).U((ulong)off);
        return U(0);
    }

    public CraftedDump Eof() => U(0);

    public byte[] ToArray() => _ms.ToArray();
}
