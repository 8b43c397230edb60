using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LeakHound.Reports.HeapDump;

/// <summary>The heap dump verbs' JSON: an indented document of plain values (addresses as "0x…" strings, sizes as numbers).</summary>
internal static class HeapJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(TextWriter w, object value)
    {
        w.Write(JsonSerializer.Serialize(value, Options));
        w.Write('\n');
    }

    public static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);
}
