// Load on one hub process through the real .NET SignalR client (see README "Figures"):
//   1. opens `connections` authenticated connections (idle) and reports the Hub's memory per connection;
//   2. has `typers` of them open an exercise and type one character every 1/rate s for `seconds`, measuring the
//      round trip of each ApplyEdits (the edit acknowledgement) and counting diagnostics pushed meanwhile.
// Needs a running platform (./run.sh) and the Jwt signing key it uses (from .dev/secrets.env) to mint learners' tokens.
// Usage: dotnet run -c Release --project bench/Hub.Bench -- [url=http://localhost:8080] [connections=15000]
//        [typers=1000] [rate=5] [seconds=30] [exercise=python-greet] [pid=<hub process id, for memory>]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Claims;
using System.Text;
using LearningPlatform.Contracts.Workbench;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

var options = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
string Opt(string name, string fallback) => options.GetValueOrDefault(name, fallback);
var url = Opt("url", "http://localhost:8080") + "/hubs/workbench";
var connections = int.Parse(Opt("connections", "15000"));
var typers = Math.Min(connections, int.Parse(Opt("typers", "1000")));
var rate = double.Parse(Opt("rate", "5"));
var seconds = int.Parse(Opt("seconds", "30"));
int? pid = options.TryGetValue("pid", out var p) ? int.Parse(p) : null;
var key = Environment.GetEnvironmentVariable("Jwt__SigningKey") ?? ReadSecret("Jwt__SigningKey")
    ?? throw new InvalidOperationException("Set Jwt__SigningKey (./run.sh keeps it in .dev/secrets.env).");

var baseline = Rss(pid);
Console.WriteLine($"connecting {connections} clients to {url} …");
var hubs = new HubConnection[connections];
var connectWatch = Stopwatch.StartNew();
var failures = 0;
await Parallel.ForEachAsync(Enumerable.Range(0, connections), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
{
    var token = Token($"bench-{i}");
    var connection = new HubConnectionBuilder()
        .WithUrl(url, o =>
        {
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            o.SkipNegotiation = true;
            o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
        })
        .Build();
    try
    {
        await connection.StartAsync(ct);
        hubs[i] = connection;
    }
    catch (Exception)
    {
        Interlocked.Increment(ref failures);
        await connection.DisposeAsync();
    }
});
var connected = hubs.Count(h => h is not null);
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

// Typing: each typer opens the exercise and appends one character per tick, awaiting each acknowledgement.
var active = hubs.Where(h => h is not null).Take(typers).ToArray();
var diagnostics = 0L;
foreach (var hub in active)
{
    hub.On<DiagnosticsMessage>("Diagnostics", _ => Interlocked.Increment(ref diagnostics));
}

var sessions = await Task.WhenAll(active.Select(h => h.InvokeAsync<SessionSnapshot>("OpenExercise", Opt("exercise", "python-greet"))));
var latencies = new ConcurrentBag<double>();
var errors = 0;
var interval = TimeSpan.FromSeconds(1 / rate);
var typingWatch = Stopwatch.StartNew();
var end = TimeSpan.FromSeconds(seconds);
await Task.WhenAll(active.Select(async (hub, i) =>
{
    var session = sessions[i];
    var file = session.Files[0];
    var (version, length) = (session.Version, file.Content.Length);
    var next = TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)interval.TotalMilliseconds));
    while (next < end)
    {
        var wait = next - typingWatch.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        var sw = Stopwatch.StartNew();
        try
        {
            var result = await hub.InvokeAsync<EditResult>("ApplyEdits", session.SessionId, file.Name, version, new[] { new ContentChange(length, 0, "#") });
            latencies.Add(sw.Elapsed.TotalMilliseconds);
            version = result.Accepted ? result.Version : result.Snapshot!.Version;
            length = result.Accepted ? length + 1 : result.Snapshot!.Files.Single(f => f.Name == file.Name).Content.Length;
        }
        catch (Exception)
        {
            Interlocked.Increment(ref errors);
        }

        next += interval;
    }
}));

var sorted = latencies.Order().ToArray();
double Pct(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
Console.WriteLine($"typing: {active.Length} connections × {rate}/s for {seconds} s: {sorted.Length} edits acknowledged ({sorted.Length / typingWatch.Elapsed.TotalSeconds:0}/s), {errors} errors, {diagnostics} diagnostics pushes");
Console.WriteLine($"edit acknowledgement ms: p50 {Pct(0.50):0.0}  p95 {Pct(0.95):0.0}  p99 {Pct(0.99):0.0}  max {sorted.LastOrDefault():0.0}");
await Parallel.ForEachAsync(hubs.Where(h => h is not null), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (h, _) => await h.DisposeAsync());

string Token(string userId) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
{
    Subject = new ClaimsIdentity([new Claim("sub", userId), new Claim("role", "learner")]),
    Issuer = "learning-platform",
    Audience = "learning-platform",
    Expires = DateTime.UtcNow.AddHours(2),
    SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
});

static long Rss(int? pid)
{
    if (pid is null)
    {
        return 0;
    }

    var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
}

static string? ReadSecret(string name)
{
    var path = Path.Combine(AppContext.BaseDirectory, "../../../../../.dev/secrets.env");
    return File.Exists(path)
        ? File.ReadLines(path).Select(l => l.Split('=', 2)).FirstOrDefault(kv => kv[0] == name)?[1]
        : null;
}
