// Load on one hub process through the real .NET SignalR client (see README "Figures"). Needs a running platform
// (./run.sh) and the Jwt signing key it uses (from .dev/secrets.env) to mint learners' tokens.
//
// Default mode (connections, typing):
//   1. opens `connections` authenticated connections (idle) and reports the Hub's memory per connection;
//   2. has `typers` of them open an exercise and type one character every 1/rate s for `seconds` on a fixed
//      schedule (a late answer does not delay the next keystroke's due time), measuring the round trip of each
//      ApplyEdits (the edit acknowledgement), the Hub's and this client's CPU, and the diagnostics pushed. With
//      errors=true every keystroke alternately breaks the syntax and mends it, so every analysed version changes
//      the markers and is pushed: the freshness figures then say how far diagnostics lag behind the typing.
// mode=diagnostics: one learner types into a ~200-line C# file (keystroke -> syntax markers, keystroke -> compiler
//   markers, as round trips through the real client on loopback).
//
// mode=runs: learners submit their exercise through the hub one run at a time, at a learner's pace (pause ms between
//   a verdict and the next submit), measuring at the client: Submit -> the run's first event, and -> its verdict
//   (the `finished` event). bench/run-latency.sh starts a platform instance of its own and runs this.
//
// Usage: dotnet run -c Release --project bench/Hub.Bench -- [url=http://localhost:8080] [connections=15000]
//        [typers=1000] [rate=5] [seconds=30] [exercise=python-greet] [warmup=5] [errors=false] [protocol=json|messagepack]
//        [idle=lean|client] [idleread=true] [timeline=false]
//        [pid=<hub process id, for memory and CPU>] [hold=<seconds to keep the idle connections, for a heap dump>]
//        dotnet run -c Release --project bench/Hub.Bench -- mode=diagnostics [keystrokes=300] [debounce=150]
//        dotnet run -c Release --project bench/Hub.Bench -- mode=runs [runs=40] [learners=1] [pause=1000]
//        [exercise=python-greet] [submit=run|submit]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Claims;
using System.Text;
using Hub.Bench;
using LearningPlatform.Contracts.Workbench;
using LearningPlatform.Diagnostics.Bench;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

var options = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
string Opt(string name, string fallback) => options.GetValueOrDefault(name, fallback);
var url = Opt("url", "http://localhost:8080") + "/hubs/workbench";
var messagePack = Opt("protocol", "json") == "messagepack";
int? pid = options.TryGetValue("pid", out var p) ? int.Parse(p) : null;
var key = Environment.GetEnvironmentVariable("Jwt__SigningKey") ?? ReadSecret("Jwt__SigningKey")
    ?? throw new InvalidOperationException("Set Jwt__SigningKey (./run.sh keeps it in .dev/secrets.env).");

if (Opt("mode", "load") == "diagnostics")
{
    await DiagnosticsRoundTripsAsync(int.Parse(Opt("keystrokes", "300")), double.Parse(Opt("debounce", "150")));
    return;
}

if (Opt("mode", "load") == "runs")
{
    await RunLatencyAsync(int.Parse(Opt("runs", "40")), int.Parse(Opt("learners", "1")), int.Parse(Opt("pause", "1000")), Opt("submit", "submit"));
    return;
}

var connections = int.Parse(Opt("connections", "15000"));
var typers = Math.Min(connections, int.Parse(Opt("typers", "1000")));
var rate = double.Parse(Opt("rate", "5"));
var seconds = int.Parse(Opt("seconds", "30"));
var errors = bool.Parse(Opt("errors", "false"));
// Learners are new in every run (the idle child is told the parent's run id), so every run types into fresh files.
var run = Opt("run", Guid.NewGuid().ToString("N")[..8]);
// Idle connections are lean SignalR clients by default (IdleConnection: handshake and pings over a raw WebSocket);
// idle=client makes them full .NET HubConnections, which costs this machine about a quarter of a core at 14,000.
// idleread=false: lean idle connections leave the server's pings unread (see IdleConnection).
var lean = Opt("idle", "lean") == "lean";
var idleRead = bool.Parse(Opt("idleread", "true"));

if (Opt("role", "") == "idle")
{
    // The child of a split run: holds idle connections until the parent closes our standard input.
    var count = int.Parse(Opt("connections", "0"));
    var first = int.Parse(Opt("first", "0"));
    IAsyncDisposable[] held;
    int failedToConnect;
    if (lean)
    {
        (held, failedToConnect) = await ConnectIdleAsync(count, first);
    }
    else
    {
        (held, failedToConnect) = await ConnectManyAsync(count, first);
    }

    Console.WriteLine($"idle {held.Length} {failedToConnect}");
    await Console.In.ReadToEndAsync();
    await Parallel.ForEachAsync(held, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (h, _) => await h.DisposeAsync());
    return;
}

// The idle connections live in a child process (split=false keeps them here): the measuring process then holds only
// the typing connections, and its garbage collector does not pause the timing for the sake of 14,000 idle ones.
var split = bool.Parse(Opt("split", "true")) && connections > typers;
var baseline = Rss(pid);
Console.WriteLine($"connecting {connections} clients to {url} ({(messagePack ? "MessagePack" : "JSON")}{(split ? $"; {connections - typers} idle ones in a child process" : "")}) …");
var connectWatch = Stopwatch.StartNew();
Process? idleProcess = null;
var (hubs, failures) = (Array.Empty<HubConnection>(), 0);
if (split)
{
    var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
    {
        info.ArgumentList.Add(typeof(IdleConnection).Assembly.Location); // started as `dotnet Hub.Bench.dll`
    }

    foreach (var arg in args.Where(a => !a.StartsWith("connections=", StringComparison.Ordinal)).Append("role=idle").Append($"connections={connections - typers}").Append($"first={typers}").Append($"run={run}"))
    {
        info.ArgumentList.Add(arg);
    }

    idleProcess = Process.Start(info)!;
    var line = await idleProcess.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the idle child exited");
    failures += int.Parse(line.Split(' ')[2]);
}

var (mine, myFailures) = await ConnectManyAsync(split ? typers : connections, 0);
(hubs, failures) = (mine, failures + myFailures);
var connected = connections - failures;
Console.WriteLine($"connected {connected} in {connectWatch.Elapsed.TotalSeconds:0.0} s ({failures} failed)");
await Task.Delay(TimeSpan.FromSeconds(3)); // let the server settle before reading its memory
var loaded = Rss(pid);
if (pid is not null && connected > 0)
{
    Console.WriteLine($"hub RSS: {baseline / 1048576.0:0} MiB before, {loaded / 1048576.0:0} MiB with {connected} connections: {(loaded - baseline) / 1024.0 / connected:0.0} KB per connection");
}

if (int.Parse(Opt("hold", "0")) is > 0 and var hold)
{
    Console.WriteLine($"holding the connections for {hold} s");
    await Task.Delay(TimeSpan.FromSeconds(hold));
}

// Typing: each typer opens the exercise and changes one character per tick, awaiting each acknowledgement.
var active = hubs.Take(typers).ToArray();
var pushes = 0L;
var sent = new ConcurrentDictionary<(string Session, long Version), long>();
var freshness = new ConcurrentBag<double>();
foreach (var hub in active)
{
    hub.On<DiagnosticsMessage>("Diagnostics", d =>
    {
        Interlocked.Increment(ref pushes);
        if (d.Layer == DiagnosticsLayer.Syntax && sent.TryGetValue((d.SessionId, d.Version), out var at))
        {
            freshness.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
        }
    });
}

var sessions = await Task.WhenAll(active.Select(h => h.InvokeAsync<SessionSnapshot>("OpenExercise", Opt("exercise", "python-greet"))));
var latencies = new ConcurrentBag<double>();
var timeline = new ConcurrentBag<(double SentAt, double Ms)>(); // timeline=true: when the slow ones were sent
var recordTimeline = bool.Parse(Opt("timeline", "false"));
var failed = 0;
var versionsSent = 0L;
var interval = TimeSpan.FromSeconds(1 / rate);
// The first `warmup` seconds of typing are not measured: the sessions just opened are still being analysed and a
// fresh hub is still compiling its typing path.
var warmup = TimeSpan.FromSeconds(int.Parse(Opt("warmup", "5")));
var end = warmup + TimeSpan.FromSeconds(seconds);
var typingWatch = Stopwatch.StartNew();
var measuring = Task.Delay(warmup).ContinueWith(_ => (Cpu(pid), Cpu(Environment.ProcessId), Cpu(idleProcess?.Id), typingWatch.Elapsed), TaskScheduler.Default);
await Task.WhenAll(active.Select(async (hub, i) =>
{
    var session = sessions[i];
    var file = session.Files[0];
    var (version, length) = (session.Version, file.Content.Length);
    var (broken, keystrokes) = (false, 0);
    var next = TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)interval.TotalMilliseconds));
    while (next < end)
    {
        var wait = next - typingWatch.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        // Appending "#" keeps Python clean (a comment), a new line every 40 keystrokes keeps the lines short (no
        // line-length lint); with errors=true an unclosed "(" at the start breaks it, deleting it mends it.
        var change = errors ? broken ? new ContentChange(0, 1, "") : new ContentChange(0, 0, "(")
            : new ContentChange(length, 0, ++keystrokes % 40 == 0 ? "\n" : "#");
        var start = Stopwatch.GetTimestamp();
        var measured = next >= warmup;
        try
        {
            if (measured)
            {
                sent[(session.SessionId, version + 1)] = start;
            }

            var result = await hub.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, file.Name, version, new[] { change });
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (measured)
            {
                latencies.Add(ms);
                Interlocked.Increment(ref versionsSent);
                if (recordTimeline)
                {
                    timeline.Add(((typingWatch.Elapsed - warmup).TotalSeconds - (ms / 1000), ms));
                }
            }

            if (result.Accepted)
            {
                (version, length, broken) = (result.Version, length + change.Text.Length - change.RangeLength, errors && !broken);
            }
            else
            {
                (version, length, broken) = (result.Snapshot!.Version, result.Snapshot.Files.Single(f => f.Name == file.Name).Content.Length, false);
            }
        }
        catch (Exception)
        {
            Interlocked.Increment(ref failed);
        }

        next += interval;
    }
}));
var (hubCpu, clientCpu, idleCpu, measuredFrom) = await measuring;
var elapsed = (typingWatch.Elapsed - measuredFrom).TotalSeconds;
(hubCpu, clientCpu, idleCpu) = (Cpu(pid) - hubCpu, Cpu(Environment.ProcessId) - clientCpu, Cpu(idleProcess?.Id) - idleCpu);

var sorted = latencies.Order().ToArray();
Console.WriteLine($"typing: {active.Length} connections × {rate}/s for {seconds} s after {warmup.TotalSeconds} s of warm-up: {sorted.Length} edits acknowledged ({sorted.Length / elapsed:0}/s), {failed} errors, {pushes} diagnostics pushes");
Console.WriteLine($"edit acknowledgement ms: {Percentiles(sorted)}");
Console.WriteLine($"CPU (one core = 100 %): hub {(pid is null ? "?" : $"{100 * hubCpu / elapsed:0}")} %, this client {100 * clientCpu / elapsed:0} %{(idleProcess is null ? "" : $", its idle child {100 * idleCpu / elapsed:0} %")}");
if (recordTimeline)
{
    // Per 100 ms of sending time: the p95 of the acknowledgements sent then, 20 slots per line (two seconds).
    var slots = timeline.GroupBy(t => (int)(t.SentAt * 10)).OrderBy(g => g.Key)
        .Select(g => (g.Key, P95: g.Select(t => t.Ms).Order().ElementAt((int)(0.95 * g.Count())))).ToArray();
    foreach (var line in slots.Chunk(20))
    {
        Console.WriteLine($"{line[0].Key / 10.0,5:0.0} s: {string.Join(' ', line.Select(s => $"{s.P95,4:0}"))}");
    }
}

if (errors)
{
    var fresh = freshness.Order().ToArray();
    Console.WriteLine($"syntax markers pushed for {fresh.Length} of {versionsSent} versions ({100.0 * fresh.Length / Math.Max(1, versionsSent):0} %; the rest were superseded before their turn)");
    Console.WriteLine($"keystroke -> its syntax markers ms: {Percentiles(fresh)}");
}

await Parallel.ForEachAsync(hubs, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (h, _) => await h.DisposeAsync());
if (idleProcess is not null)
{
    idleProcess.StandardInput.Close();
    await idleProcess.WaitForExitAsync();
}

// Idle connections: connected 64 at a time, then each pings once per interval (spread evenly over all of them).
async Task<(IAsyncDisposable[] Connected, int Failed)> ConnectIdleAsync(int count, int first)
{
    var all = new IdleConnection?[count];
    var failedCount = 0;
    var hubUri = new Uri(url);
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
    {
        try
        {
            all[i] = await IdleConnection.ConnectAsync(hubUri, Token($"bench-{run}-{first + i}"), idleRead, ct);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref failedCount);
        }
    });
    var held = all.OfType<IdleConnection>().ToArray();
    _ = Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(IdleConnection.PingInterval / Math.Max(1, held.Length / 10));
        for (var next = 0; await timer.WaitForNextTickAsync(); next = next + 10 < held.Length ? next + 10 : 0)
        {
            for (var j = next; j < Math.Min(next + 10, held.Length); j++)
            {
                _ = held[j].PingAsync();
            }
        }
    });
    return (held, failedCount);
}

async Task<(HubConnection[] Connected, int Failed)> ConnectManyAsync(int count, int first)
{
    var all = new HubConnection?[count];
    var failedCount = 0;
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
    {
        var connection = Connect($"bench-{run}-{first + i}");
        try
        {
            await connection.StartAsync(ct);
            all[i] = connection;
        }
        catch (Exception)
        {
            Interlocked.Increment(ref failedCount);
            await connection.DisposeAsync();
        }
    });
    return ([.. all.OfType<HubConnection>()], failedCount);
}

// One learner types into a ~200-line C# file: each keystroke either breaks the syntax ("(" then its removal) or the
// binding ("q" inside an identifier, then its removal), so that every keystroke changes the markers of one layer.
async Task DiagnosticsRoundTripsAsync(int keystrokes, double debounce)
{
    await using var hub = Connect("bench-diagnostics");
    var inbox = new ConcurrentDictionary<(long Version, string Layer), long>();
    var arrived = new SemaphoreSlim(0);
    hub.On<DiagnosticsMessage>("Diagnostics", d =>
    {
        inbox[(d.Version, d.Layer)] = Stopwatch.GetTimestamp();
        arrived.Release();
    });
    await hub.StartAsync();
    var session = await hub.InvokeAsync<SessionSnapshot>("OpenExercise", Opt("exercise", "csharp-fizzbuzz"));
    var file = session.Files.First(f => f.Name.EndsWith(".cs", StringComparison.Ordinal));
    var text = SampleFile.Build();
    var version = (await hub.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, file.Name, session.Version, new[] { new ContentChange(0, file.Content.Length, text) })).Version;
    Console.WriteLine($"{text.Split('\n').Length}-line C# file, {keystrokes} keystrokes per layer, one at a time");
    await WaitFor(version, DiagnosticsLayer.Compiler, TimeSpan.FromSeconds(30));

    var random = new Random(7);
    var syntax = new List<double>();
    var compiler = new List<double>();
    var acks = new List<double>();
    var previousAt = 0;
    var missed = 0;
    for (var i = 0; i < 2 * keystrokes; i++)
    {
        var layer = i % 4 < 2 ? DiagnosticsLayer.Syntax : DiagnosticsLayer.Compiler;
        ContentChange change;
        if (i % 2 == 0)
        {
            int at;
            do
            {
                at = random.Next(text.Length / 10, text.Length - 10);
            }
            while (!char.IsLetter(text[at]) || !char.IsLetter(text[at - 1]) || !InCode(text, at));
            change = new ContentChange(at, 0, layer == DiagnosticsLayer.Syntax ? "(" : "q");
        }
        else
        {
            change = new ContentChange(previousAt, 1, "");
        }

        previousAt = change.RangeOffset;
        text = text[..change.RangeOffset] + change.Text + text[(change.RangeOffset + change.RangeLength)..];
        var start = Stopwatch.GetTimestamp();
        var result = await hub.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, file.Name, version, new[] { change });
        acks.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        version = result.Version;
        if (await WaitFor(version, layer, TimeSpan.FromSeconds(2)) is { } at2)
        {
            (layer == DiagnosticsLayer.Syntax ? syntax : compiler).Add(Stopwatch.GetElapsedTime(start, at2).TotalMilliseconds);
        }
        else
        {
            missed++; // a change that left the layer's markers as they were (a renamed declaration, say): nothing is pushed
        }
    }

    Console.WriteLine($"keystroke -> edit acknowledged ms:            {Percentiles([.. acks.Order()])}");
    Console.WriteLine($"({missed} keystrokes changed no markers of their layer within 2 s and are not counted)");
    Console.WriteLine($"keystroke -> syntax markers ms:               {Percentiles([.. syntax.Order()])}");
    Console.WriteLine($"keystroke -> compiler markers ms:             {Percentiles([.. compiler.Order()])}  (includes the hub's {debounce} ms debounce)");
    Console.WriteLine($"keystroke -> compiler markers minus debounce: {Percentiles([.. compiler.Select(c => c - debounce).Order()])}");

    async Task<long?> WaitFor(long v, string layer, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!inbox.TryGetValue((v, layer), out _))
        {
            var left = deadline - Stopwatch.GetTimestamp();
            if (left <= 0 || !await arrived.WaitAsync(TimeSpan.FromSeconds(left / (double)Stopwatch.Frequency)))
            {
                return null;
            }
        }

        return inbox[(v, layer)];
    }
}

// Submit -> first event and -> verdict, as a browser sees them: each learner submits, waits for its verdict, pauses,
// and submits again. The first run of each learner is not counted (a fresh session, a cold path in every process).
async Task RunLatencyAsync(int runs, int learners, int pause, string method)
{
    var bench = Guid.NewGuid().ToString("N")[..8];
    var first = new ConcurrentBag<double>();
    var verdict = new ConcurrentBag<double>();
    var call = new ConcurrentBag<double>();
    var verdicts = new ConcurrentDictionary<string, int>();
    Console.WriteLine($"{learners} learner(s) x {runs} {method}s of {Opt("exercise", "python-greet")}, {pause} ms between a verdict and the next submit");
    await Task.WhenAll(Enumerable.Range(0, learners).Select(async l =>
    {
        await using var hub = Connect($"bench-runs-{bench}-{l}");
        var events = System.Threading.Channels.Channel.CreateUnbounded<(RunEventMessage Message, long At)>();
        hub.On<RunEventMessage>("RunEvent", m => events.Writer.TryWrite((m, Stopwatch.GetTimestamp())));
        await hub.StartAsync();
        var session = await hub.InvokeAsync<SessionSnapshot>("OpenExercise", Opt("exercise", "python-greet"));
        for (var i = 0; i <= runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var runId = await hub.InvokeAsync<string>(method == "run" ? "Run" : "Submit", session.SessionId);
            var returned = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            long? firstAt = null;
            while (true)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                var (m, at) = await events.Reader.ReadAsync(timeout.Token);
                if (m.RunId != runId)
                {
                    continue;
                }

                firstAt ??= at;
                if (m.Type == "finished")
                {
                    if (i > 0)
                    {
                        first.Add(Stopwatch.GetElapsedTime(start, firstAt.Value).TotalMilliseconds);
                        call.Add(returned);
                        verdict.Add(Stopwatch.GetElapsedTime(start, at).TotalMilliseconds);
                        var v = System.Text.Json.JsonDocument.Parse(m.EventJson).RootElement.GetProperty("result").GetProperty("verdict").GetString() ?? "?";
                        verdicts.AddOrUpdate(v, 1, (_, n) => n + 1);
                    }

                    break;
                }
            }

            await Task.Delay(pause);
        }
    }));
    Console.WriteLine($"submit call returned ms:  {Percentiles([.. call.Order()])}  (Services accepted and queued the run)");
    Console.WriteLine($"submit -> first event ms: {Percentiles([.. first.Order()])}");
    Console.WriteLine($"submit -> verdict ms:     {Percentiles([.. verdict.Order()])}");
    Console.WriteLine($"verdicts: {string.Join(", ", verdicts.Select(kv => $"{kv.Value} {kv.Key}"))}");
}

// Not in a comment or a string: there a keystroke changes no markers.
static bool InCode(string text, int at)
{
    var lineStart = text.LastIndexOf('\n', at) + 1;
    var lineEnd = text.IndexOf('\n', at) is var e and >= 0 ? e : text.Length;
    var line = text[lineStart..lineEnd];
    return !line.Contains('"') && !line.Contains("//", StringComparison.Ordinal) && !line.TrimStart().StartsWith("namespace", StringComparison.Ordinal);
}

HubConnection Connect(string userId)
{
    var token = Token(userId);
    var builder = new HubConnectionBuilder()
        .WithUrl(url, o =>
        {
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            o.SkipNegotiation = true;
            o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
        });
    if (messagePack)
    {
        builder.AddMessagePackProtocol();
    }

    return builder.Build();
}

string Token(string userId) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
{
    Subject = new ClaimsIdentity([new Claim("sub", userId), new Claim("role", "learner")]),
    Issuer = "learning-platform",
    Audience = "learning-platform",
    Expires = DateTime.UtcNow.AddHours(2),
    SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
});

static string Percentiles(double[] sorted)
{
    double Pct(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
    return $"p50 {Pct(0.50):0.0}  p95 {Pct(0.95):0.0}  p99 {Pct(0.99):0.0}  max {(sorted.Length == 0 ? double.NaN : sorted[^1]):0.0}  (n={sorted.Length})";
}

static long Rss(int? pid)
{
    if (pid is null)
    {
        return 0;
    }

    var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
}

// User + system CPU seconds of a process (Linux /proc; clock ticks are 100 per second there).
static double Cpu(int? pid)
{
    if (pid is null)
    {
        return 0;
    }

    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
}

static string? ReadSecret(string name)
{
    var path = Path.Combine(AppContext.BaseDirectory, "../../../../../.dev/secrets.env");
    return File.Exists(path)
        ? File.ReadLines(path).Select(l => l.Split('=', 2)).FirstOrDefault(kv => kv[0] == name)?[1]
        : null;
}
