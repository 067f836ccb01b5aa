using System.ComponentModel.DataAnnotations;
using System.Diagnostics;

namespace LearningPlatform.Hub.Features.Diagnostics;

/// <summary>Limits and timings of live diagnostics.</summary>
public sealed class DiagnosticsOptions
{
    public const string SectionName = "Diagnostics";

    /// <summary>Pause in typing before the compiler and lint layers run; a newer edit restarts it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan SemanticDebounce { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Longest one compiler + lint analysis may take before it is abandoned with an Info marker.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan SemanticTimeLimit { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest one syntax check may take (matters for the Python helper, which is out of process).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan SyntaxTimeLimit { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Syntax analyses in progress at once (one batch of the Python helper by default). Beyond it, files wait in
    /// arrival order, each with only its newest version: work in progress does not pile up behind a busy analyzer,
    /// and a file that waited is checked at the version the learner sees.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConcurrentSyntaxAnalyses { get; set; } = 64;

    /// <summary>
    /// Compiler + lint analyses running at once. Beyond it, each file keeps only its newest waiting version: older
    /// ones are dropped, so the backlog is bounded by the number of open files, never by the typing rate.
    /// </summary>
    [Range(1, 256)]
    public int MaxConcurrentSemanticAnalyses { get; set; } = 2;

    /// <summary>Threads that run diagnostics (all layers, and pushing their markers): the most cores they take.</summary>
    [Range(1, 64)]
    public int AnalysisThreads { get; set; } = 1;

    /// <summary>
    /// Share of the time an analysis thread may be busy on average (it may run ahead by two 100 ms windows' worth);
    /// past it, it rests and the files edited meanwhile are analysed at their newest version afterwards. One
    /// learner's C# (about 20 ms a keystroke) stays inside it; a thousand typing learners do not, and edits keep the
    /// rest of the CPU.
    /// </summary>
    [Range(0.05, 1.0)]
    public double AnalysisBusyShare { get; set; } = 0.25;

    /// <summary>
    /// The least the busy share falls to while edits keep waiting for a core (it halves after each 100 ms in which
    /// they did and grows back when they stop). The Python helper's CPU time counts against the share too.
    /// </summary>
    [Range(0.01, 1.0)]
    public double AnalysisBusyShareUnderLoad { get; set; } = 0.05;

    /// <summary>
    /// Edits first: while work queued to the hub's thread pool (edits and their acknowledgements) waits longer than
    /// this for a thread, the analysis threads pause before their next piece of work and lower their busy share.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.0001", "00:00:01")]
    public TimeSpan EditsWaitingAfter { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Share of each 100 ms an analysis thread may pause for edits (see <see cref="EditsWaitingAfter"/>);
    /// past it, diagnostics run anyway within <see cref="AnalysisBusyShare"/>. 0 turns the pauses off.
    /// </summary>
    [Range(0.0, 0.9)]
    public double YieldToEditsShare { get; set; } = 0.5;

    /// <summary>Largest file analysed, in characters; larger files get one Info marker instead.</summary>
    [Range(1_000, 50_000_000)]
    public int MaxFileLength { get; set; } = 256 * 1024;

    /// <summary>Largest total of a session's files, in characters; beyond it analysis is skipped.</summary>
    [Range(1_000, 200_000_000)]
    public int MaxSessionLength { get; set; } = 2 * 1024 * 1024;

    /// <summary>Deepest syntax tree (C#) analysed semantically; deeper files get a syntax Error marker.</summary>
    [Range(16, 10_000)]
    public int MaxNestingDepth { get; set; } = 256;

    /// <summary>Most markers pushed per file and layer; a file with thousands of errors gets the first ones.</summary>
    [Range(1, 100_000)]
    public int MaxMarkers { get; set; } = 500;

    /// <summary>C# sessions whose compilations are kept in memory; the least recently used is dropped beyond it.</summary>
    [Range(1, 100_000)]
    public int MaxCSharpSessions { get; set; } = 500;

    /// <summary>Lines longer than this get a lint Hint (Python). 0 disables the rule.</summary>
    [Range(0, 10_000)]
    public int MaxLineLength { get; set; } = 120;

    /// <summary>The Python interpreter used only to parse learners' Python (never to run it). Empty: Python off.</summary>
    public string PythonExecutable { get; set; } = "python3";

    /// <summary>Address-space cap of the Python parse helper, in MiB (RLIMIT_AS).</summary>
    [Range(64, 16_384)]
    public int PythonHelperMemoryMb { get; set; } = 512;

    /// <summary>
    /// CPU priority of the Python parse helper (on Linux BelowNormal is nice 10, Idle nice 19). Below the hub's,
    /// edits and their acknowledgements go first when the machine is busy and parsing takes what is left.
    /// </summary>
    [EnumDataType(typeof(ProcessPriorityClass))]
    public ProcessPriorityClass PythonHelperPriority { get; set; } = ProcessPriorityClass.BelowNormal;

    /// <summary>Warm Roslyn and start the Python helper when the host starts, not on the first keystroke.</summary>
    public bool WarmUpOnStart { get; set; } = true;
}
