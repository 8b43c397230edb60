using System.Text;

namespace LeakHound.Reports.Graph;

/// <summary>
/// A directed graph as LeakHound's (and pprof's) DOT writers produce it, read back for LeakHound's
/// own layout: nodes and edges with their attributes, in the order written, plus the legend box of
/// the <c>cluster_L</c> subgraph. Reads the subset of the DOT language those writers use: one
/// statement per line — <c>digraph "name" {</c>, <c>node [defaults]</c>, <c>ID [attrs]</c>,
/// <c>ID -&gt; ID [attrs]</c>, <c>subgraph cluster_L { ID [attrs] }</c>, <c>}</c>; attribute values
/// bare or double-quoted with backslash escapes kept as written (<c>\n</c>, <c>\l</c> are label
/// line ends).
/// </summary>
public sealed class DotGraph
{
    public string Name { get; private set; } = "";
    public List<string> NodeIds { get; } = [];
    public List<Dictionary<string, string>> NodeAttributes { get; } = [];
    public List<(int Source, int Target, Dictionary<string, string> Attributes)> Edges { get; } = [];

    /// <summary>The legend's attributes (from the cluster_L subgraph), or null.</summary>
    public Dictionary<string, string>? Legend { get; private set; }

    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _nodeDefaults = new(StringComparer.Ordinal);

    public static DotGraph Parse(string dot)
    {
        var g = new DotGraph();
        int lineNumber = 0;
        foreach (var raw in dot.Split('\n'))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0 || line == "}") continue;
            var r = new Tokens(line, lineNumber);
            string first = r.Next();
            if (first == "digraph")
            {
                g.Name = r.Next();
                continue;
            }
            if (first == "node" && r.Peek() == "[")
            {
                foreach (var kv in r.Attributes()) g._nodeDefaults[kv.Key] = kv.Value;
                continue;
            }
            if (first == "subgraph")
            {
                r.Next(); // the cluster's name
                if (r.Next() != "{") throw new FormatException($"DOT line {lineNumber}: expected {{ after subgraph");
                r.Next(); // the legend node's id
                g.Legend = r.Attributes();
                continue;
            }
            if (r.Peek() == "->")
            {
                r.Next();
                string target = r.Next();
                var attrs = r.Peek() == "[" ? r.Attributes() : new Dictionary<string, string>(StringComparer.Ordinal);
                g.Edges.Add((g.NodeIndex(first), g.NodeIndex(target), attrs));
                continue;
            }
            int n = g.NodeIndex(first);
            if (r.Peek() == "[")
                foreach (var kv in r.Attributes()) g.NodeAttributes[n][kv.Key] = kv.Value;
        }
        return g;
    }

    private int NodeIndex(string id)
    {
        if (_index.TryGetValue(id, out int n)) return n;
        n = NodeIds.Count;
        _index[id] = n;
        NodeIds.Add(id);
        NodeAttributes.Add(new Dictionary<string, string>(_nodeDefaults, StringComparer.Ordinal));
        return n;
    }

    /// <summary>A DOT label's lines: <c>\n</c>, <c>\l</c> and <c>\r</c> end lines (centred, left, right); other escapes unescaped.</summary>
    public static List<(string Text, char Justify)> LabelLines(string label)
    {
        var lines = new List<(string, char)>();
        var sb = new StringBuilder();
        for (int i = 0; i < label.Length; i++)
        {
            char c = label[i];
            if (c == '\\' && i + 1 < label.Length)
            {
                char e = label[++i];
                if (e is 'n' or 'l' or 'r')
                {
                    lines.Add((sb.ToString(), e == 'n' ? 'c' : e));
                    sb.Clear();
                }
                else sb.Append(e);
                continue;
            }
            sb.Append(c);
        }
        if (sb.Length > 0) lines.Add((sb.ToString(), 'c'));
        return lines;
    }

    /// <summary>Splits one DOT line into identifiers, quoted strings and punctuation.</summary>
    private ref struct Tokens(string line, int lineNumber)
    {
        private int _at;

        public string Peek()
        {
            int save = _at;
            string t = Next();
            _at = save;
            return t;
        }

        public string Next()
        {
            while (_at < line.Length && line[_at] is ' ' or '\t' or ';' or ',') _at++;
            if (_at >= line.Length) return "";
            char c = line[_at];
            if (c is '[' or ']' or '{' or '}' or '=')
            {
                _at++;
                return c.ToString();
            }
            if (c == '-' && _at + 1 < line.Length && line[_at + 1] == '>')
            {
                _at += 2;
                return "->";
            }
            if (c == '"')
            {
                var sb = new StringBuilder();
                _at++;
                while (_at < line.Length && line[_at] != '"')
                {
                    if (line[_at] == '\\' && _at + 1 < line.Length)
                    {
                        // \" is a quote; other escapes stay for the label reader.
                        if (line[_at + 1] == '"') sb.Append('"');
                        else sb.Append(line[_at]).Append(line[_at + 1]);
                        _at += 2;
                        continue;
                    }
                    sb.Append(line[_at++]);
                }
                if (_at >= line.Length) throw new FormatException($"DOT line {lineNumber}: unterminated string");
                _at++;
                return sb.ToString();
            }
            int start = _at;
            while (_at < line.Length && line[_at] is not (' ' or '\t' or ';' or ',' or '[' or ']' or '{' or '}' or '=' or '"')
                   && !(line[_at] == '-' && _at + 1 < line.Length && line[_at + 1] == '>'))
                _at++;
            return line[start.._at];
        }

        public Dictionary<string, string> Attributes()
        {
            var attrs = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Next() != "[") throw new FormatException($"DOT line {lineNumber}: expected [");
            while (true)
            {
                string key = Next();
                if (key == "]" || key.Length == 0) return attrs;
                if (Next() != "=") throw new FormatException($"DOT line {lineNumber}: expected = after {key}");
                attrs[key] = Next();
            }
        }
    }
}
