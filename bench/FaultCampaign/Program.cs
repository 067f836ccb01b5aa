// A fault campaign against a platform instance of its own (bench/fault-campaign.sh starts one on ports 8180-8182 with
// its own Redis on 6395 and its own data folder, under run.sh's supervision): learners type and submit throughout while
// each process is killed with SIGKILL in turn (Hub, Services, RunnerHost), Redis is killed (it comes back from its
// append-only file) and emptied (a new instance, data gone), and optionally dockerd is killed. It counts what was
// accepted and what is still there afterwards (edits, runs, progress, revocations) and how long the platform took to
// be ready again, and exits non-zero when a figure that must be zero is not.
//
// Usage (normally through bench/fault-campaign.sh, which passes the instance's settings):
//   dotnet bench/FaultCampaign/bin/Release/net10.0/FaultCampaign.dll [url=http://localhost:8180]
//     [services=http://127.0.0.1:8181] [runner=http://127.0.0.1:8182] [redis-port=6395] [redis-dir=<its data folder>]
//     [logs=<the instance's log folder>] [learners=20] [type-ms=200] [run-every=20] [warmup=10] [settle=15]
//     [recover-limit=60] [ready-limit=30] [final-wait=150] [emptied-loss-limit=2]
//     [faults=hub,services,runner,redis-kill,redis-empty] [dockerd=false]
//   The admin login comes from LP_ADMIN_EMAIL / LP_ADMIN_PASSWORD (run.sh's .dev/secrets.env).
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FaultCampaign;

const int ProbeLearner = -1;
const int InFlightLearner = -2;
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var config = Config.Parse(args);
if (config.AdminEmail.Length == 0 || config.AdminPassword.Length == 0)
{
    Console.Error.WriteLine("Set LP_ADMIN_EMAIL and LP_ADMIN_PASSWORD (run.sh keeps them in .dev/secrets.env).");
    return 2;
}

if (config.Faults.Contains("redis-empty") && (config.RedisDir is null || !Directory.Exists(config.RedisDir)))
{
    Console.Error.WriteLine("The redis-empty fault needs redis-dir=<the campaign Redis's data folder>.");
    return 2;
}

var ledger = new Ledger();
using var rest = new Rest(new Uri(config.HubUrl));
using var healthHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
using var stopAll = new CancellationTokenSource();
var run = Guid.NewGuid().ToString("N")[..8];
const string Password = "Fault-Campaign-Typing-1843";
Campaign.Log($"campaign {run}: {config.Learners} learners typing every {config.TypeMs} ms, a run every ~{config.RunEvery} s each; faults: {string.Join(", ", config.Faults)}; hub {config.HubUrl}");

// ---- setup: the admin, the learners, the users to disable, a probe learner ----
var adminToken = await LoginAsync(config.AdminEmail, config.AdminPassword) ?? throw new InvalidOperationException("admin login failed");
var learners = new Learner[config.Learners];
await Parallel.ForEachAsync(Enumerable.Range(0, config.Learners), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
{
    var (id, token) = await NewUserAsync($"learner{i}");
    learners[i] = new Learner(i, $"fc-{run}-learner{i}@example.test", id, token, config, ledger);
});
var candidates = new ConcurrentQueue<(string Id, string Token)>();
await Parallel.ForEachAsync(Enumerable.Range(0, config.Faults.Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
    candidates.Enqueue(await NewUserAsync($"revoked{i}")));
var (_, probeToken) = await NewUserAsync("probe");
var (_, inFlightToken) = await NewUserAsync("inflight");
Campaign.Log($"registered {config.Learners} learners, {config.Faults.Count} users to disable, a probe learner and one for runs in flight at the faults");
await Parallel.ForEachAsync(learners, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (l, _) => await l.ConnectAsync());
Campaign.Log("every learner has opened python-greet on the hub");

// ---- watchers ----
var health = new Dictionary<string, Health>
{
    ["hub"] = Health.Http("hub", healthHttp, config.HubUrl + "/health/ready"),
    ["services"] = Health.Http("services", healthHttp, config.ServicesUrl + "/health/ready"),
    ["runner"] = Health.Http("runner", healthHttp, config.RunnerUrl + "/health/ready"),
    ["redis"] = Health.Redis(config.RedisPort),
};
var background = health.Values.Select(h => h.WatchAsync(stopAll.Token)).ToList();
background.Add(WatchRevocationsAsync(stopAll.Token));
background.Add(WatchRunsInFlightAsync(stopAll.Token));

// ---- learners type and run throughout ----
using var stopWork = new CancellationTokenSource();
Campaign.Phase = "warmup";
var typing = learners.Select(l => Task.Run(() => l.TypeAsync(stopWork.Token))).ToList();
var running = learners.Select(l => Task.Run(() => RunLoopAsync(l, stopWork.Token))).ToList();
await Task.Delay(TimeSpan.FromSeconds(config.Warmup));

// ---- the faults, one after another ----
var outcomes = new List<FaultOutcome>();
foreach (var fault in config.Faults)
{
    var outcome = new FaultOutcome(fault);
    outcomes.Add(outcome);
    await DisableOneAsync(outcome);
    outcome.InFlight = await RunInFlightAsync();
    Campaign.Phase = fault;
    outcome.T0 = Campaign.Now;
    try
    {
        outcome.Pid = fault switch
        {
            "hub" => Inflict.KillOnPort(new Uri(config.HubUrl).Port),
            "services" => Inflict.KillOnPort(new Uri(config.ServicesUrl).Port),
            "runner" => Inflict.KillOnPort(new Uri(config.RunnerUrl).Port),
            "redis-kill" => Inflict.KillOnPort(config.RedisPort),
            "redis-empty" => await Inflict.EmptyRedisAsync(config.RedisPort, config.RedisDir!),
            "dockerd" => Inflict.KillDockerd(),
            _ => throw new InvalidOperationException(fault),
        };
    }
    catch (Exception e)
    {
        outcome.Error = e.Message;
        Campaign.Log($"could not inflict {fault}: {e.Message}");
        continue;
    }

    Campaign.Log($"killed pid {outcome.Pid} ({fault}); measuring recovery");
    await MeasureRecoveryAsync(outcome);
    Campaign.Log($"recovered: hub ready {Fmt(outcome.HubReady)}, {outcome.OwnName} ready {Fmt(outcome.OwnReady)}, REST {Fmt(outcome.RestOk)}, typing {Fmt(outcome.TypingAgain)}, a new run finished {Fmt(outcome.RunOk)}; settling {config.Settle} s");
    await Task.Delay(TimeSpan.FromSeconds(config.Settle));
}

// ---- final checks ----
Campaign.Phase = "final";
Campaign.Log("stopping the typing and the runs; checking what is still there");
stopWork.Cancel();
await Task.WhenAll(typing.Concat(running));
var unsynced = 0;
await Parallel.ForEachAsync(learners, async (l, _) =>
{
    if (!await l.FlushAsync(TimeSpan.FromSeconds(30)))
    {
        Interlocked.Increment(ref unsynced);
    }
});

// Edits: every learner's session as a fresh connection opening the exercise sees it.
var finalLost = 0;
var finalLostEdits = 0;
var disorder = 0;
var notMatching = 0;
var reopenFailed = 0;
foreach (var l in learners)
{
    try
    {
        var text = await l.ReopenAsync();
        var lost = l.Lost(text, out var edits, out var seconds);
        if (lost > 0)
        {
            finalLost += lost;
            finalLostEdits += edits;
            Campaign.Log($"learner {l.Index}: the reopened session lacks {lost} acknowledged keystrokes ({edits} edits, {seconds:0.00} s)");
        }

        disorder += Learner.Disorder(text);
        if (text != l.AckedText)
        {
            notMatching++;
        }
    }
    catch (Exception e)
    {
        reopenFailed++;
        Campaign.Log($"learner {l.Index}: reopening failed: {e.Message}");
    }
}

// Runs: every accepted run until finished.
var finalDeadline = Campaign.Now + config.FinalWait;
while (ledger.Runs.Values.Any(r => !r.Finished) && Campaign.Now < finalDeadline)
{
    await Parallel.ForEachAsync(ledger.Runs.Values.Where(r => !r.Finished).ToList(), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (r, _) => await PollRunAsync(r));
    if (ledger.Runs.Values.Any(r => !r.Finished))
    {
        await Task.Delay(2000);
    }
}

// A second look at every finished run: its verdict must not have changed.
await Parallel.ForEachAsync(ledger.Runs.Values.Where(r => r.Finished).ToList(), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (r, _) => await PollRunAsync(r));
var runnerFinished = ReadLog("runner.log", @"Run ([0-9a-f]{32}) finished: (\w+)");
var requeued = ReadLog("services.log", @"Run ([0-9a-f]{32}) \(submitted [^)]*\) was lost by the queue");
var restored = ReadLog("hub.log", @"[Rr]estored.*?([0-9a-f]{32})");

// Progress: attempts = the learner's submits that finished with a verdict that counts.
var progressMismatch = new List<string>();
var progressDeadline = Campaign.Now + 60;
while (true)
{
    progressMismatch.Clear();
    foreach (var l in learners)
    {
        var expected = ledger.Runs.Values.Count(r => r.Learner == l.Index && r.Mode == "submit" && r.Finished && Counts(r.Verdict!));
        var reply = await rest.GetAsync("/api/progress/me", l.Token);
        var got = reply.Ok ? reply.Json.GetProperty("summary").GetProperty("attempts").GetInt32() : -1;
        if (got != expected)
        {
            progressMismatch.Add($"learner {l.Index}: {got} attempts recorded, {expected} submits finished{(reply.Ok ? "" : $" (HTTP {reply.Status})")}");
        }
    }

    if (progressMismatch.Count == 0 || Campaign.Now > progressDeadline)
    {
        break;
    }

    await Task.Delay(3000);
}

// Revocations: a last look, and a new hub connection must be refused too.
foreach (var rev in ledger.Revocations)
{
    var reply = await rest.GetAsync("/api/users/me", rev.Token, count: false);
    rev.Answers.AddOrUpdate(reply.Status, 1, (_, n) => n + 1);
    if (reply.Status == 200)
    {
        rev.Violations.Enqueue($"final check: 200 for user {rev.UserId}");
    }

    var negotiate = await rest.PostAsync("/hubs/workbench/negotiate?negotiateVersion=1", rev.Token, null, count: false);
    if (negotiate.Status == 200)
    {
        rev.Violations.Enqueue($"final check: the hub negotiated a connection for user {rev.UserId}");
    }
}

stopAll.Cancel();
await Task.WhenAll(background);
foreach (var l in learners)
{
    await l.DisposeAsync();
}

return Report();

// =====================================================================================================================

async Task<string?> LoginAsync(string email, string password)
{
    for (var attempt = 0; attempt < 20; attempt++)
    {
        var reply = await rest.PostAsync("/api/auth/login", null, new { email, password });
        if (reply.Ok)
        {
            return reply.Json.GetProperty("accessToken").GetString();
        }

        Campaign.Log($"login {email}: HTTP {reply.Status} {Rest.Shorten(reply.Body)}");
        await Task.Delay(1000);
    }

    return null;
}

async Task<(string Id, string Token)> NewUserAsync(string name)
{
    var email = $"fc-{run}-{name}@example.test";
    var registered = await rest.PostAsync("/api/auth/register", null, new { email, password = Password, displayName = $"Campaign {name}" });
    if (registered.Status != 201)
    {
        throw new InvalidOperationException($"register {email}: HTTP {registered.Status} {registered.Body}");
    }

    var token = await LoginAsync(email, Password) ?? throw new InvalidOperationException($"login {email} failed");
    return (registered.Json.GetProperty("id").GetString()!, token);
}

// Before each fault the admin disables one more user (200 = accepted); that user's old token must never get 200 again.
async Task DisableOneAsync(FaultOutcome outcome)
{
    if (!candidates.TryDequeue(out var user))
    {
        return;
    }

    for (var attempt = 0; attempt < 40; attempt++)
    {
        var reply = await rest.PostAsync($"/api/users/{user.Id}/disable", adminToken, null);
        if (reply.Status == 200)
        {
            ledger.Revocations.Enqueue(new Revocation(user.Id, user.Token, Campaign.Phase, Campaign.Now));
            outcome.Revoked = user.Id;
            return;
        }

        if (reply.Status == 401)
        {
            adminToken = await LoginAsync(config.AdminEmail, config.AdminPassword) ?? adminToken;
        }

        await Task.Delay(500);
    }

    Campaign.Log($"could not disable user {user.Id} before {outcome.Name}");
}

async Task WatchRevocationsAsync(CancellationToken stop)
{
    while (!stop.IsCancellationRequested)
    {
        foreach (var rev in ledger.Revocations)
        {
            var reply = await rest.GetAsync("/api/users/me", rev.Token, count: false);
            rev.Answers.AddOrUpdate(reply.Status, 1, (_, n) => n + 1);
            if (reply.Status == 200)
            {
                rev.Violations.Enqueue($"{Campaign.Now:0.0}s ({Campaign.Phase}): 200 for disabled user {rev.UserId}");
                Campaign.Log($"REVOCATION LOST: the disabled user {rev.UserId}'s old token got 200");
            }
        }

        await Task.Delay(1000, stop).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}

// The runs in flight at a fault are looked at every 2 s, so that when they finished is known closely.
async Task WatchRunsInFlightAsync(CancellationToken stop)
{
    while (!stop.IsCancellationRequested)
    {
        foreach (var r in ledger.Runs.Values.Where(r => r.Learner == InFlightLearner && !r.Finished).ToList())
        {
            await PollRunAsync(r);
        }

        await Task.Delay(2000, stop).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}

// A run the runner has started (its "started" event seen), so that the fault strikes with a run in flight.
async Task<RunRecord?> RunInFlightAsync()
{
    for (var attempt = 0; attempt < 3; attempt++)
    {
        var r = await SubmitAsync(InFlightLearner, inFlightToken, 2);
        if (r is not null && await rest.WaitForEventAsync($"/api/runs/{r.Id}/events", inFlightToken, "started", TimeSpan.FromSeconds(20)))
        {
            return r;
        }
    }

    Campaign.Log("could not get a run in flight before the fault");
    return null;
}

// Each learner: every ~run-every seconds a run or submit through REST, at most two of its own unfinished at a time (the
// runner's per-user limit), cycling through a passing submit, a failing submit and a passing run.
async Task RunLoopAsync(Learner learner, CancellationToken stop)
{
    var random = new Random(learner.Index);
    var kind = learner.Index;
    await Task.Delay(TimeSpan.FromSeconds(random.NextDouble() * config.RunEvery), stop).ContinueWith(_ => { }, TaskScheduler.Default);
    while (!stop.IsCancellationRequested)
    {
        var mine = ledger.Runs.Values.Where(r => r.Learner == learner.Index && !r.Finished).ToList();
        foreach (var r in mine)
        {
            await PollRunAsync(r);
        }

        if (mine.Count(r => !r.Finished) < 2)
        {
            await SubmitAsync(learner.Index, learner.Token, kind++);
        }

        await Task.Delay(TimeSpan.FromSeconds(config.RunEvery * (0.7 + (0.6 * random.NextDouble()))), stop).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}

async Task<RunRecord?> SubmitAsync(int learner, string token, int kind)
{
    var (mode, passing) = (kind % 3) switch { 0 => ("submit", true), 1 => ("submit", false), _ => ("run", true) };
    var code = passing
        ? "def greet(name):\n    name = (name or \"\").strip()\n    if not name:\n        name = \"World\"\n    return f\"Hello, {name}!\"\n"
        : "def greet(name):\n    # Your code here.\n    raise NotImplementedError\n";
    code += $"# campaign {run}, learner {learner}, run {kind}\n";
    var phase = Campaign.Phase;
    var reply = await rest.PostAsync("/api/runs", token, new { exerciseId = Learner.Exercise, mode, files = new[] { new { name = "greeting.py", content = code } } });
    ledger.Submits.AddOrUpdate((phase, reply.Status), 1, (_, n) => n + 1);
    if (reply.Status != 202)
    {
        return null;
    }

    var record = new RunRecord(reply.Json.GetProperty("runId").GetString()!, learner, token, mode, passing ? "passed" : "failed", phase, Campaign.Now);
    ledger.Runs[record.Id] = record;
    return record;
}

async Task PollRunAsync(RunRecord r)
{
    var reply = await rest.GetAsync($"/api/runs/{r.Id}", r.Token);
    if (reply.Status == 404)
    {
        r.NotFound++;
    }

    if (!reply.Ok)
    {
        return;
    }

    var json = reply.Json;
    if (json.GetProperty("status").GetString() == "finished" && json.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object)
    {
        r.Saw(Normalize(result.GetProperty("verdict").GetString() ?? "?"), Campaign.Now);
        r.Message ??= result.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() : null;
    }
}

// How long until the platform is ready again after a fault, as seen from outside: the Hub's /health/ready, the hurt
// part's own readiness, a learner's REST call, every learner's typing, and a new run posted after the fault finishing.
async Task MeasureRecoveryAsync(FaultOutcome o)
{
    o.OwnName = o.Name switch { "hub" => "hub", "services" => "services", "runner" or "dockerd" => "runner", _ => "redis" };
    var rest0 = RestProbeAsync(o.T0);
    var run0 = RunProbeAsync(o.T0);
    var deadline = o.T0 + config.RecoverLimit;
    while (Campaign.Now < deadline)
    {
        (_, o.HubReady) = health["hub"].Since(o.T0);
        (_, o.OwnReady) = health[o.OwnName].Since(o.T0);
        var again = learners.Select(l => l.TypingAgainAfter(o.T0)).ToList();
        o.TypingAgain = again.All(a => a is not null) ? again.Max() : null;
        if (o.HubReady is not null && o.OwnReady is not null && o.TypingAgain is not null && rest0.IsCompleted && run0.IsCompleted)
        {
            break;
        }

        await Task.Delay(200);
    }

    o.RecoveredAt = Campaign.Now;
    o.RestOk = rest0.IsCompleted ? await rest0 : null;
    o.RunOk = run0.IsCompleted ? await run0 : null;
}

async Task<double?> RestProbeAsync(double t0)
{
    double? failedAt = null;
    while (Campaign.Now - t0 < config.RecoverLimit)
    {
        var at = Campaign.Now;
        var reply = await rest.GetAsync("/api/users/me", probeToken);
        if (!reply.Ok)
        {
            failedAt ??= at;
        }
        else if (failedAt is not null)
        {
            return at - t0;
        }
        else if (Campaign.Now - t0 >= 3)
        {
            return 0;
        }

        await Task.Delay(250);
    }

    return null;
}

async Task<double?> RunProbeAsync(double t0)
{
    var kind = 2; // a passing run
    RunRecord? probe = null;
    while (probe is null && Campaign.Now - t0 < config.RecoverLimit)
    {
        probe = await SubmitAsync(ProbeLearner, probeToken, kind);
        if (probe is null)
        {
            await Task.Delay(500);
        }
    }

    while (probe is not null && !probe.Finished && Campaign.Now - t0 < config.RecoverLimit)
    {
        await Task.Delay(500);
        await PollRunAsync(probe);
    }

    return probe is { Finished: true } ? probe.FinishedAt - t0 : null;
}

Dictionary<string, List<string>> ReadLog(string file, string pattern)
{
    var found = new Dictionary<string, List<string>>();
    var path = config.LogsDir is null ? null : Path.Combine(config.LogsDir, file);
    if (path is null || !File.Exists(path))
    {
        return found;
    }

    var regex = new Regex(pattern);
    using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
    using var reader = new StreamReader(stream);
    while (reader.ReadLine() is { } line)
    {
        var m = regex.Match(line);
        if (m.Success)
        {
            (found.TryGetValue(m.Groups[1].Value, out var list) ? list : found[m.Groups[1].Value] = []).Add(m.Groups.Count > 2 ? Normalize(m.Groups[2].Value) : "");
        }
    }

    return found;
}

static string Who(int learner) => learner switch { ProbeLearner => "probe", InFlightLearner => "in flight at a fault", _ => $"learner {learner}" };

static string Normalize(string verdict) => verdict.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

// Verdicts progress counts (RecordSubmission: not internal_error, not rejected).
static bool Counts(string verdict) => verdict is not ("internalerror" or "rejected");

static string Fmt(double? seconds) => seconds is null ? "never" : $"{seconds:0.0} s";

string InFlight(FaultOutcome o) => o.InFlight is not { } r ? "-" : r.Finished ? $"{r.Verdict} after {r.FinishedAt - o.T0:0.0} s" : "never finished";

int Report()
{
    var must = new List<string>();
    Console.WriteLine();
    Console.WriteLine($"== Fault campaign {run}: {config.Learners} learners, an edit every {config.TypeMs} ms each, runs every ~{config.RunEvery} s each ==");
    Console.WriteLine();
    Console.WriteLine($"{"fault",-12} {"at",7} {"pid",7} {"disabled",9} {"hub ready",10} {"own ready",14} {"REST ok",8} {"typing",8} {"new run",8} {"run in flight",24}  REST answers in the fault's window (status:count; 0 = no answer)");
    foreach (var o in outcomes)
    {
        var codes = rest.Codes.Where(kv => kv.Key.Phase == o.Name).OrderBy(kv => kv.Key.Status).Select(kv => $"{kv.Key.Status}:{kv.Value}");
        var bad = rest.Codes.Where(kv => kv.Key.Phase == o.Name && kv.Key.Status >= 500 && kv.Key.Status != 503).Sum(kv => kv.Value);
        Console.WriteLine($"{o.Name,-12} {o.T0,6:0.0}s {o.Pid,7} {(o.Revoked is null ? "-" : "1"),9} {Fmt(o.HubReady),10} {o.OwnName + " " + Fmt(o.OwnReady),14} {Fmt(o.RestOk),8} {Fmt(o.TypingAgain),8} {Fmt(o.RunOk),8} {InFlight(o),24}  {string.Join(' ', codes)}");
        if (o.Error is not null)
        {
            must.Add($"{o.Name}: not inflicted ({o.Error})");
        }

        foreach (var (what, value) in new[] { ("hub ready", o.HubReady), ($"{o.OwnName} ready", o.OwnReady), ("REST ok", o.RestOk), ("typing again", o.TypingAgain), ("a new run finished", o.RunOk) })
        {
            if (o.Error is null && (value is null || value > config.ReadyLimit))
            {
                must.Add($"{o.Name}: {what} after {Fmt(value)} (limit {config.ReadyLimit} s)");
            }
        }

        if (bad > 0)
        {
            must.Add($"{o.Name}: {bad} REST answers 5xx other than 503");
        }
    }

    foreach (var phase in new[] { "setup", "warmup", "final" })
    {
        var bad = rest.Codes.Where(kv => kv.Key.Phase == phase && kv.Key.Status >= 500 && kv.Key.Status != 503).Sum(kv => kv.Value);
        if (bad > 0)
        {
            must.Add($"{phase}: {bad} REST answers 5xx other than 503");
        }
    }

    foreach (var (phase, samples) in rest.ServerErrorSamples)
    {
        foreach (var s in samples)
        {
            Console.WriteLine($"  5xx sample ({phase}): {s}");
        }
    }

    foreach (var (phase, n) in rest.MissingRetryAfter)
    {
        Console.WriteLine($"  note ({phase}): {n} answers 503 without Retry-After");
    }

    Console.WriteLine();
    Console.WriteLine("What the learners' clients saw on the hub, per phase:");
    foreach (var group in ledger.HubEvents.GroupBy(kv => kv.Key.Phase))
    {
        Console.WriteLine($"  {group.Key,-12} {string.Join("; ", group.OrderBy(kv => kv.Key.What).Select(kv => $"{kv.Key.What} {kv.Value}"))}");
    }

    Console.WriteLine($"  run submissions (status:count): {string.Join("  ", ledger.Submits.GroupBy(kv => kv.Key.Phase).Select(g => $"{g.Key} {string.Join(' ', g.OrderBy(kv => kv.Key.Status).Select(kv => $"{kv.Key.Status}:{kv.Value}"))}"))}");

    // Edits.
    Console.WriteLine();
    var losses = ledger.EditLosses.ToList();
    Console.WriteLine($"Edits: {ledger.EditsAccepted} accepted (acknowledged), {learners.Sum(l => l.Typed)} lines typed.");
    foreach (var phase in outcomes.Select(o => o.Name))
    {
        var inPhase = losses.Where(l => l.Phase == phase).ToList();
        var line = inPhase.Count == 0 ? "none lost"
            : $"{inPhase.Sum(l => l.Edits)} accepted edits lost by the platform ({inPhase.Select(l => l.Learner).Distinct().Count()} learners), at most {inPhase.Max(l => l.Seconds):0.00} s of typing; the clients sent them again";
        Console.WriteLine($"  {phase,-12} {line}");
        if (inPhase.Count > 0 && phase != "redis-empty")
        {
            must.Add($"{phase}: {inPhase.Sum(l => l.Edits)} accepted edits lost by the platform");
        }

        if (phase == "redis-empty" && inPhase.Count > 0 && inPhase.Max(l => l.Seconds) > config.EmptiedLossLimit)
        {
            must.Add($"redis-empty: {inPhase.Max(l => l.Seconds):0.00} s of typing lost (limit {config.EmptiedLossLimit} s)");
        }
    }

    foreach (var other in losses.Where(l => !outcomes.Any(o => o.Name == l.Phase)).GroupBy(l => l.Phase))
    {
        Console.WriteLine($"  {other.Key,-12} {other.Sum(l => l.Edits)} accepted edits lost by the platform");
        must.Add($"{other.Key}: {other.Sum(l => l.Edits)} accepted edits lost by the platform");
    }

    Console.WriteLine($"  session versions acknowledged twice for different texts (a session restored at an older version counts up again): {learners.Sum(l => l.VersionsReused)} ({learners.Count(l => l.VersionsReused > 0)} learners)");
    Console.WriteLine($"  at the end: {finalLost} acknowledged keystrokes ({finalLostEdits} edits) missing from the reopened sessions; {notMatching} sessions differ from the text last acknowledged; {disorder} keystrokes duplicated or out of order; {unsynced} clients not synced; {reopenFailed} reopen failures");
    if (finalLost > 0 || notMatching > 0 || disorder > 0 || reopenFailed > 0 || unsynced > 0)
    {
        must.Add($"final: {finalLost} keystrokes lost, {notMatching} sessions differ, {disorder} out of order, {reopenFailed} reopen failures, {unsynced} not synced");
    }

    // Runs.
    Console.WriteLine();
    var runs = ledger.Runs.Values.ToList();
    var lost = runs.Where(r => !r.Finished).ToList();
    var conflicting = runs.Where(r => r.Verdicts.Count > 1
        || (runnerFinished.TryGetValue(r.Id, out var v) && v.Distinct().Count() > 1)
        || (r.Verdict is not null && runnerFinished.TryGetValue(r.Id, out var v2) && v2.Any(x => x != r.Verdict))).ToList();
    var twice = runs.Count(r => runnerFinished.TryGetValue(r.Id, out var v) && v.Count > 1);
    var unexpectedRuns = runs.Where(r => r.Finished && r.Verdict != r.Expected).ToList();
    var unexpected = unexpectedRuns.GroupBy(r => r.Verdict).Select(g => $"{g.Key} {g.Count()}");
    Console.WriteLine($"Runs: {runs.Count} accepted (202; {runs.Count(r => r.Learner < 0)} of them probes and runs in flight at a fault), {runs.Count(r => r.Finished)} finished, {lost.Count} lost (never finished within {config.FinalWait} s), "
        + $"{twice} run twice by the runners, {conflicting.Count} with conflicting verdicts, {requeued.Count} queued again by Services, {runs.Count(r => r.NotFound > 0)} answered 404 at some point");
    Console.WriteLine($"  verdicts other than the code's (passed/failed): {(unexpected.Any() ? string.Join(", ", unexpected) : "none")}");
    foreach (var r in unexpectedRuns.Take(12))
    {
        var struck = outcomes.Where(o => o.T0 <= r.FinishedAt && o.RecoveredAt >= r.AcceptedAt).Select(o => o.Name).ToList();
        Console.WriteLine($"    run {r.Id} ({r.Mode}, {Who(r.Learner)}, accepted at {r.AcceptedAt:0.0} s, seen finished at {r.FinishedAt:0.0} s; faults meanwhile: {(struck.Count == 0 ? "none" : string.Join(", ", struck))}): {r.Verdict}, expected {r.Expected}: {Rest.Shorten(r.Message ?? "")}");
    }
    foreach (var r in lost.Take(10))
    {
        Console.WriteLine($"  lost: run {r.Id} ({r.Mode}, {Who(r.Learner)}, accepted at {r.AcceptedAt:0.0} s in phase {r.Phase}; runner log: {(runnerFinished.TryGetValue(r.Id, out var v) ? string.Join(",", v) : "never finished")}; requeued: {requeued.ContainsKey(r.Id)})");
    }

    foreach (var r in conflicting.Take(10))
    {
        Console.WriteLine($"  conflicting: run {r.Id}: seen {string.Join(" then ", r.Verdicts)}; runner log: {(runnerFinished.TryGetValue(r.Id, out var v) ? string.Join(",", v) : "-")}");
    }

    if (lost.Count > 0)
    {
        must.Add($"{lost.Count} accepted runs never finished");
    }

    if (conflicting.Count > 0)
    {
        must.Add($"{conflicting.Count} runs with conflicting verdicts");
    }

    // Progress.
    Console.WriteLine();
    Console.WriteLine($"Progress: {learners.Length - progressMismatch.Count} of {learners.Length} learners' attempts equal their finished submits");
    foreach (var m in progressMismatch)
    {
        Console.WriteLine($"  {m}");
    }

    if (progressMismatch.Count > 0)
    {
        must.Add($"{progressMismatch.Count} learners' progress differs from their finished submits");
    }

    // Revocations.
    Console.WriteLine();
    var revs = ledger.Revocations.ToList();
    var violations = revs.SelectMany(r => r.Violations).ToList();
    var answers = revs.SelectMany(r => r.Answers).GroupBy(kv => kv.Key).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Sum(kv => kv.Value)}");
    Console.WriteLine($"Revocations: {revs.Count} users disabled (one before each fault), {revs.Count - revs.Count(r => !r.Violations.IsEmpty)} kept; their old tokens got {string.Join(' ', answers)}");
    foreach (var v in violations.Take(10))
    {
        Console.WriteLine($"  {v}");
    }

    if (violations.Count > 0)
    {
        must.Add($"{violations.Count} answers of 200 to disabled users' old tokens");
    }

    if (restored.Count > 0)
    {
        Console.WriteLine($"(hub log: {restored.Count} sessions restored from the document store)");
    }

    Console.WriteLine();
    if (must.Count == 0)
    {
        Console.WriteLine("RESULT: every must-be-zero figure is zero.");
        return 0;
    }

    Console.WriteLine("RESULT: FAILED");
    foreach (var m in must)
    {
        Console.WriteLine($"  - {m}");
    }

    return 1;
}
