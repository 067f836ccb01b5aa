using System.Globalization;

namespace FaultCampaign;

/// <summary>The campaign's settings, from <c>name=value</c> arguments (see Program.cs for the list).</summary>
public sealed class Config
{
    public string HubUrl { get; init; } = "http://localhost:8180";
    public string ServicesUrl { get; init; } = "http://127.0.0.1:8181";
    public string RunnerUrl { get; init; } = "http://127.0.0.1:8182";
    public int RedisPort { get; init; } = 6395;

    /// <summary>The campaign Redis's data folder: emptied by the redis-empty fault.</summary>
    public string? RedisDir { get; init; }

    /// <summary>The campaign instance's logs (runner.log is read for runs finished twice).</summary>
    public string? LogsDir { get; init; }

    public int Learners { get; init; } = 20;
    public int TypeMs { get; init; } = 200;
    public double RunEvery { get; init; } = 20;
    public double Warmup { get; init; } = 10;
    public double Settle { get; init; } = 15;
    public double RecoverLimit { get; init; } = 60;
    public double ReadyLimit { get; init; } = 30;
    public double FinalWait { get; init; } = 150;
    public double EmptiedLossLimit { get; init; } = 2;
    public IReadOnlyList<string> Faults { get; init; } = ["hub", "services", "runner", "redis-kill", "redis-empty"];
    public string AdminEmail { get; init; } = "";
    public string AdminPassword { get; init; } = "";

    public static readonly string[] KnownFaults = ["hub", "services", "runner", "redis-kill", "redis-empty", "dockerd"];

    public static Config Parse(string[] args)
    {
        var o = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        string S(string name, string fallback) => o.GetValueOrDefault(name, fallback);
        double D(string name, double fallback) => o.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var faults = S("faults", "hub,services,runner,redis-kill,redis-empty").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (bool.Parse(S("dockerd", "false")) && !faults.Contains("dockerd"))
        {
            faults.Add("dockerd");
        }

        foreach (var f in faults.Where(f => !KnownFaults.Contains(f)))
        {
            throw new ArgumentException($"unknown fault '{f}'; known: {string.Join(", ", KnownFaults)}");
        }

        return new Config
        {
            HubUrl = S("url", "http://localhost:8180").TrimEnd('/'),
            ServicesUrl = S("services", "http://127.0.0.1:8181").TrimEnd('/'),
            RunnerUrl = S("runner", "http://127.0.0.1:8182").TrimEnd('/'),
            RedisPort = int.Parse(S("redis-port", "6395"), CultureInfo.InvariantCulture),
            RedisDir = o.GetValueOrDefault("redis-dir"),
            LogsDir = o.GetValueOrDefault("logs"),
            Learners = int.Parse(S("learners", "20"), CultureInfo.InvariantCulture),
            TypeMs = int.Parse(S("type-ms", "200"), CultureInfo.InvariantCulture),
            RunEvery = D("run-every", 20),
            Warmup = D("warmup", 10),
            Settle = D("settle", 15),
            RecoverLimit = D("recover-limit", 60),
            ReadyLimit = D("ready-limit", 30),
            FinalWait = D("final-wait", 150),
            EmptiedLossLimit = D("emptied-loss-limit", 2),
            Faults = faults,
            AdminEmail = S("admin-email", Environment.GetEnvironmentVariable("LP_ADMIN_EMAIL") ?? ""),
            AdminPassword = S("admin-password", Environment.GetEnvironmentVariable("LP_ADMIN_PASSWORD") ?? ""),
        };
    }
}
