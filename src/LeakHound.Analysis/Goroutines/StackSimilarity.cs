namespace LeakHound.Analysis.Goroutines;

/// <summary>How alike two goroutines' stacks must be to share a group (panicparse's similarity levels).</summary>
public enum StackSimilarity
{
    /// <summary>Same functions, files, lines and argument values.</summary>
    Exact,
    /// <summary>Same, except that arguments that look like pointers may differ.</summary>
    IgnorePointers,
    /// <summary>Same functions, files and lines; arguments ignored.</summary>
    IgnoreArgs,
}
