// What a process's garbage collections cost and why: reads an EventPipe trace of the runtime's GC events and prints
// each collection's pause, how long each kind of root took to mark and what it kept alive, then the allocation
// profile (sampled every ~100 KB). This is how the Hub's remaining edit-latency tail was traced to gen0 collections
// and their survivors (README, Figures).
//
// With stacks=<type name> (e.g. stacks=System.String) it prints instead where that type is allocated: the sampled
// allocations grouped by their call stacks (the trace's rundown names the JIT-compiled methods; it writes a
// .etlx file beside the trace).
//
// Usage: dotnet-trace collect -p <pid> --providers Microsoft-Windows-DotNETRuntime:0x1:5 --duration 00:00:00:10 -o gc.nettrace
//        dotnet run -c Release --project bench/GcPauses -- gc.nettrace [top=25] [stacks=System.String]
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

if (args.Length == 0 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: GcPauses <trace.nettrace> [top=25] [stacks=<type name>]   (see the comment at the top of Program.cs)");
    return 2;
}

var options = args.Skip(1).Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
var top = int.Parse(options.GetValueOrDefault("top", "25"));
if (options.TryGetValue("stacks", out var stackType))
{
    PrintAllocationSites(args[0], stackType, top);
    return 0;
}

using var source = new EventPipeEventSource(args[0]);
var clr = new ClrTraceEventParser(source);
var collections = new List<Collection>();
Collection? current = null;
double suspended = 0, lastMark = 0;
var allocated = new Dictionary<string, long>();

clr.GCSuspendEEStart += e => suspended = e.TimeStampRelativeMSec;
clr.GCStart += e =>
{
    current = new Collection(e.Count, e.Depth, e.Reason.ToString(), suspended > 0 ? suspended : e.TimeStampRelativeMSec);
    lastMark = e.TimeStampRelativeMSec;
};
clr.GCMarkWithType += e =>
{
    if (current is null)
    {
        return;
    }

    // Each event ends one kind of root's marking: the time since the previous one is that kind's.
    var kind = e.Type switch
    {
        0 => "stacks",
        1 => "finalization queue",
        2 => "handles",
        3 => "older generations",
        4 => "sized refs",
        5 => "mark overflow",
        6 => "dependent handles",
        7 => "new finalizable objects",
        var other => "root kind " + other,
    };
    var (ms, bytes) = current.Marks.GetValueOrDefault(kind);
    current.Marks[kind] = (ms + e.TimeStampRelativeMSec - lastMark, bytes + e.Promoted);
    lastMark = e.TimeStampRelativeMSec;
};
clr.GCHeapStats += e =>
{
    if (current is not null)
    {
        current.Promoted = e.TotalPromotedSize0 + e.TotalPromotedSize1 + e.TotalPromotedSize2;
    }
};
clr.GCRestartEEStop += e =>
{
    if (current is null)
    {
        return;
    }

    current.Pause = e.TimeStampRelativeMSec - current.Suspended;
    collections.Add(current);
    current = null;
    suspended = 0;
};
clr.GCAllocationTick += e => allocated[e.TypeName ?? "?"] = allocated.GetValueOrDefault(e.TypeName ?? "?") + e.AllocationAmount64;
source.Process();

if (collections.Count == 0)
{
    Console.WriteLine("no collections in the trace (was the GC keyword on at verbose level? see usage)");
    return 1;
}

var seconds = source.SessionDuration.TotalSeconds;
foreach (var c in collections)
{
    var marks = string.Join(", ", c.Marks.Where(m => m.Value.Ms >= 0.05 || m.Value.Bytes > 0).Select(m => $"{m.Key} {m.Value.Ms:0.0} ms/{m.Value.Bytes / 1024} KB"));
    Console.WriteLine($"#{c.Number} gen{c.Generation} {c.Reason}: pause {c.Pause:0.0} ms, promoted {c.Promoted / 1024} KB; mark: {marks}");
}

var pauses = collections.Select(c => c.Pause).Order().ToArray();
double At(double[] sorted, double q) => sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))];
Console.WriteLine();
Console.WriteLine($"{collections.Count} collections in {seconds:0.0} s ({collections.Count / seconds:0.00}/s): pause p50 {At(pauses, 0.5):0.0} ms, p90 {At(pauses, 0.9):0.0}, max {pauses[^1]:0.0}; {pauses.Sum() / seconds / 10:0.0} % of the time paused");
foreach (var kind in collections.SelectMany(c => c.Marks.Keys).Distinct())
{
    var ms = collections.Select(c => c.Marks.GetValueOrDefault(kind).Ms).Order().ToArray();
    var kb = collections.Select(c => c.Marks.GetValueOrDefault(kind).Bytes / 1024.0).Order().ToArray();
    if (ms[^1] >= 0.05 || kb[^1] > 0)
    {
        Console.WriteLine($"  marking from {kind}: p50 {At(ms, 0.5):0.0} ms, max {ms[^1]:0.0}; keeps p50 {At(kb, 0.5):0} KB alive");
    }
}

var total = allocated.Values.Sum();
Console.WriteLine();
Console.WriteLine($"allocated ≈ {total / 1048576.0 / seconds:0.0} MB/s (sampled); largest types:");
foreach (var (type, bytes) in allocated.OrderByDescending(a => a.Value).Take(top))
{
    Console.WriteLine($"  {bytes * 100.0 / total,5:0.0} %  {bytes / 1048576.0 / seconds,6:0.00} MB/s  {type}");
}

return 0;

static void PrintAllocationSites(string trace, string type, int top)
{
    using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(trace));
    var sites = new Dictionary<string, long>();
    foreach (var traceEvent in log.Events)
    {
        if (traceEvent is not GCAllocationTickTraceData tick || tick.TypeName != type)
        {
            continue;
        }

        var frames = new List<string>();
        for (var frame = tick.CallStack(); frame is not null && frames.Count < 6; frame = frame.Caller)
        {
            if (frame.CodeAddress.FullMethodName is { Length: > 0 } name)
            {
                frames.Add(name.Length > 120 ? name[..120] : name);
            }
        }

        var site = string.Join("\n      <- ", frames);
        sites[site] = sites.GetValueOrDefault(site) + tick.AllocationAmount64;
    }

    var total = Math.Max(1, sites.Values.Sum());
    Console.WriteLine($"{type}: {total / 1048576.0:0.0} MB allocated in the samples, by call stack:");
    foreach (var (site, bytes) in sites.OrderByDescending(s => s.Value).Take(top))
    {
        Console.WriteLine($"{bytes * 100.0 / total,5:0.0} %  {site}");
    }
}

internal sealed record Collection(int Number, int Generation, string Reason, double Suspended)
{
    public Dictionary<string, (double Ms, long Bytes)> Marks { get; } = [];

    public double Pause { get; set; }

    public long Promoted { get; set; }
}
