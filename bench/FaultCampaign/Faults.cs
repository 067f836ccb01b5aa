using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace FaultCampaign;

/// <summary>
/// Watches whether something answers as ready, every 200 ms, and keeps when that changed, so that a fault's "down"
/// and "ready again" can be read afterwards.
/// </summary>
public sealed class Health(string name, Func<CancellationToken, Task<bool>> probe)
{
    private readonly List<(double At, bool Up)> _changes = [];

    public string Name { get; } = name;

    public async Task WatchAsync(CancellationToken stop)
    {
        bool? last = null;
        while (!stop.IsCancellationRequested)
        {
            var at = Campaign.Now;
            bool up;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                up = await probe(timeout.Token);
            }
            catch (Exception)
            {
                up = false;
            }

            if (up != last)
            {
                lock (_changes)
                {
                    _changes.Add((at, up));
                }

                last = up;
            }

            await Task.Delay(200, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// After <paramref name="from"/>: whether it went down, and seconds from <paramref name="from"/> until it answered
    /// ready again (0 if it never went down within <paramref name="grace"/> s; null if it is not back yet).
    /// </summary>
    public (bool WentDown, double? ReadyAfter) Since(double from, double grace = 3)
    {
        (double At, bool Up)[] changes;
        lock (_changes)
        {
            changes = [.. _changes];
        }

        var earlier = changes.Where(c => c.At < from).ToList();
        var after = changes.Where(c => c.At >= from).ToList();
        double? downAt = earlier.Count > 0 && !earlier[^1].Up ? from : null; // still down from before
        downAt ??= after.Where(c => !c.Up).Select(c => (double?)c.At).FirstOrDefault();
        if (downAt is null)
        {
            return Campaign.Now - from >= grace ? (false, 0) : (false, null);
        }

        var up = after.Where(c => c.Up && c.At > downAt.Value).Select(c => (double?)c.At).FirstOrDefault();
        return (true, up - from);
    }

    public bool IsUp
    {
        get
        {
            lock (_changes)
            {
                return _changes.Count > 0 && _changes[^1].Up;
            }
        }
    }

    public static Health Http(string name, HttpClient http, string url) =>
        new(name, async ct =>
        {
            using var response = await http.GetAsync(url, ct);
            return response.StatusCode == HttpStatusCode.OK;
        });

    public static Health Redis(int port) =>
        new("redis", async ct =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, ct);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), ct);
            var buffer = new byte[64];
            var n = await stream.ReadAsync(buffer, ct);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        });
}

/// <summary>How the campaign hurts the platform: kill -9 a process found by the port it listens on, or the Redis's data.</summary>
public static partial class Inflict
{
    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex PidPattern();

    /// <summary>The process listening on TCP <paramref name="port"/> (from <c>ss -ltnp</c>), or null.</summary>
    public static int? PidOnPort(int port)
    {
        var info = new ProcessStartInfo("ss", ["-Hltnp", $"sport = :{port}"]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var ss = Process.Start(info)!;
        var output = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        var match = PidPattern().Match(output);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>kill -9 the process on <paramref name="port"/>; returns its pid.</summary>
    public static int KillOnPort(int port)
    {
        var pid = PidOnPort(port) ?? throw new InvalidOperationException($"nothing listens on port {port}");
        Kill9(pid);
        return pid;
    }

    public static void Kill9(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill(); // SIGKILL on Unix
    }

    /// <summary>Waits until nothing listens on <paramref name="port"/> (a killed daemon may linger as a zombie).</summary>
    public static async Task UntilClosedAsync(int port, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (PidOnPort(port) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    /// <summary>The Redis crashes and a new, empty one takes its place: kill -9, then its data folder deleted before
    /// the supervisor (run.sh's Redis watcher) starts it again.</summary>
    public static async Task<int> EmptyRedisAsync(int port, string dir)
    {
        var pid = KillOnPort(port);
        await UntilClosedAsync(port, TimeSpan.FromSeconds(5));
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo d)
            {
                d.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }

        return pid;
    }

    /// <summary>kill -9 dockerd (its pid file); the campaign instance's dockerd watcher starts it again.</summary>
    public static int KillDockerd()
    {
        var pid = int.Parse(File.ReadAllText("/var/run/docker.pid").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Kill9(pid);
        return pid;
    }
}
