using System.Collections.Concurrent;
using System.Diagnostics;

namespace FaultCampaign;

/// <summary>The campaign's clock and current phase, shared by every learner and counter.</summary>
public static class Campaign
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private static volatile string _phase = "setup";

    /// <summary>"setup", "warmup", a fault's name (from its start until the next fault), or "final".</summary>
    public static string Phase
    {
        get => _phase;
        set => _phase = value;
    }

    /// <summary>Seconds since the campaign started.</summary>
    public static double Now => Clock.Elapsed.TotalSeconds;

    public static void Log(string line) => Console.WriteLine($"[{Now,7:0.0}s {Phase}] {line}");
}

/// <summary>Where the platform lost accepted edits, as a learner's client found out (a snapshot without them).</summary>
/// <param name="Phase">The campaign phase it was found in.</param>
/// <param name="Learner">Which learner.</param>
/// <param name="Edits">Accepted edits (acknowledged ApplyEdits calls) whose text the snapshot lacked.</param>
/// <param name="Seconds">How much typing that was: from the last edit kept to the last edit lost, by the time they were acknowledged.</param>
/// <param name="How">What the client was doing (refused edit, resume, reopen).</param>
public sealed record EditLoss(string Phase, int Learner, int Edits, double Seconds, string How);

/// <summary>An accepted run (202) and what was seen of it.</summary>
public sealed class RunRecord(string id, int learner, string token, string mode, string expected, string phase, double at)
{
    public string Id { get; } = id;
    public int Learner { get; } = learner;
    public string Token { get; } = token;
    public string Mode { get; } = mode;
    public string Expected { get; } = expected;
    public string Phase { get; } = phase;
    public double AcceptedAt { get; } = at;

    /// <summary>Every verdict seen on <c>GET /api/runs/{id}</c>, in order (repeats collapsed).</summary>
    public List<string> Verdicts { get; } = [];

    public double? FinishedAt { get; set; }

    /// <summary>The runner's message with the verdict (why it failed, timed out or erred).</summary>
    public string? Message { get; set; }

    /// <summary>Answers of 404 to <c>GET /api/runs/{id}</c> (the run not in the store).</summary>
    public int NotFound { get; set; }

    public bool Finished => FinishedAt is not null;

    public string? Verdict => Verdicts.Count > 0 ? Verdicts[^1] : null;

    public void Saw(string verdict, double at)
    {
        lock (Verdicts)
        {
            if (Verdicts.Count == 0 || Verdicts[^1] != verdict)
            {
                Verdicts.Add(verdict);
            }

            FinishedAt ??= at;
        }
    }
}

/// <summary>A user disabled by the admin (200), whose old access token must never get a 200 again.</summary>
public sealed class Revocation(string userId, string token, string phase, double at)
{
    public string UserId { get; } = userId;
    public string Token { get; } = token;
    public string Phase { get; } = phase;
    public double At { get; } = at;

    /// <summary>Answers to the old token after the disable, by status.</summary>
    public ConcurrentDictionary<int, int> Answers { get; } = new();

    /// <summary>When (and in which phase) the old token got a 200 after the disable.</summary>
    public ConcurrentQueue<string> Violations { get; } = new();
}

/// <summary>Everything the campaign counts.</summary>
public sealed class Ledger
{
    public ConcurrentDictionary<string, RunRecord> Runs { get; } = new();

    public ConcurrentQueue<EditLoss> EditLosses { get; } = new();

    public ConcurrentQueue<Revocation> Revocations { get; } = new();

    /// <summary>(phase, what) → count: refused edits, outage refusals, resumes, reconnects, hub errors by message.</summary>
    public ConcurrentDictionary<(string Phase, string What), int> HubEvents { get; } = new();

    /// <summary>(phase, status) → run submissions answered so (202 = accepted).</summary>
    public ConcurrentDictionary<(string Phase, int Status), int> Submits { get; } = new();

    public void Count(string what, int n = 1) => HubEvents.AddOrUpdate((Campaign.Phase, what), n, (_, c) => c + n);

    public long EditsAccepted;
}

/// <summary>What one fault did and how long the platform took to be ready again (seconds after the kill).</summary>
public sealed class FaultOutcome(string name)
{
    public string Name { get; } = name;
    public double T0 { get; set; }

    /// <summary>When recovery was measured complete (or given up on).</summary>
    public double RecoveredAt { get; set; }
    public int Pid { get; set; }
    public string? Revoked { get; set; }
    public string? Error { get; set; }
    public string OwnName { get; set; } = "";
    public double? HubReady { get; set; }
    public double? OwnReady { get; set; }
    public double? RestOk { get; set; }
    public double? TypingAgain { get; set; }
    public double? RunOk { get; set; }

    /// <summary>A run the runner had started when the fault struck.</summary>
    public RunRecord? InFlight { get; set; }
}
