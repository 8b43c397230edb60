using System.Text.Json;
using LeakHound.Core;

namespace LeakHound.Hunt.Metrics;

/// <summary>
/// The numbers LeakHound takes from Go's <c>/debug/vars</c> (package expvar): the
/// <c>memstats</c> object is <c>runtime.MemStats</c> as JSON. A field the page lacks is null.
/// </summary>
public sealed record ExpvarMemStats(
    double? HeapInuse,
    double? HeapAlloc,
    double? HeapObjects,
    double? Sys,
    double? TotalAlloc,
    double? NumGC)
{
    /// <summary>
    /// Reads the page. Not JSON, or not a JSON object, is an <see cref="InputException"/>; a page
    /// without <c>memstats</c> (expvar mounted, memstats not published) gives all nulls.
    /// </summary>
    public static ExpvarMemStats Parse(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new InputException(source, "not expvar output: expected a JSON object");
            var values = new double?[6];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isMemStats = reader.ValueTextEquals("memstats"u8);
                reader.Read();
                if (!isMemStats || reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    int field = FieldIndex(ref reader);
                    reader.Read();
                    if (field >= 0 && reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double v)) values[field] = v;
                    else reader.Skip();
                }
            }
            return new ExpvarMemStats(values[0], values[1], values[2], values[3], values[4], values[5]);
        }
        catch (JsonException e)
        {
            throw new InputException(source, "not valid JSON: " + FirstLine(e.Message));
        }
    }

    private static int FieldIndex(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("HeapInuse"u8) ? 0
        : reader.ValueTextEquals("HeapAlloc"u8) ? 1
        : reader.ValueTextEquals("HeapObjects"u8) ? 2
        : reader.ValueTextEquals("Sys"u8) ? 3
        : reader.ValueTextEquals("TotalAlloc"u8) ? 4
        : reader.ValueTextEquals("NumGC"u8) ? 5
        : -1;

    private static string FirstLine(string s)
    {
        int nl = s.IndexOfAny(['\r', '\n']);
        return nl < 0 ? s : s[..nl];
    }
}
