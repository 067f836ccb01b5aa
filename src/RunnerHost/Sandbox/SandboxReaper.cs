using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;

namespace LearningPlatform.RunnerHost.Sandbox;

/// Removes stray sandbox containers: at start every sandbox not of this runner process (a previous or crashed
/// runner's), and periodically any sandbox older than StrayAfterSeconds.
internal sealed class SandboxReaper(IDockerClient docker, IOptions<SandboxOptions> options, RunnerIdentity identity, ILogger<SandboxReaper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var first = true;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReapIntervalSeconds));
        do
        {
            try
            {
                await ReapAsync(startup: first, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                SandboxLog.ReapFailed(logger, e);
            }
            first = false;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> ReapAsync(bool startup, CancellationToken ct)
    {
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{SandboxLabels.Sandbox}=1"] = true } },
        }, ct);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var count = 0;
        foreach (var c in containers)
        {
            var mine = c.Labels.TryGetValue(SandboxLabels.Runner, out var runner) && runner == identity.Id;
            var created = c.Labels.TryGetValue(SandboxLabels.CreatedUnix, out var s) && long.TryParse(s, CultureInfo.InvariantCulture, out var t) ? t : 0;
            var stale = now - created > options.Value.StrayAfterSeconds;
            // Our own containers are always tracked and removed by their run or pool. Another runner's are strays
            // when that runner was on this machine and its process is gone, or when they are older than any run.
            // (A runner container restarted in place keeps its host name and often its pid: its predecessor's sandboxes
            // then wait for StrayAfterSeconds. Same host and pid cannot mean "gone": one process may host several runners.)
            var ownerGone = c.Labels.TryGetValue(SandboxLabels.Host, out var host) && host == Environment.MachineName
                && c.Labels.TryGetValue(SandboxLabels.Pid, out var pidText) && int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid)
                && !Directory.Exists($"/proc/{pid}");
            if (!mine && (stale || ownerGone || startup && created == 0))
            {
                try
                {
                    await docker.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true }, ct);
                    count++;
                }
                catch (DockerContainerNotFoundException)
                {
                }
            }
        }
        if (count > 0)
        {
            SandboxLog.Reaped(logger, count);
        }
        return count;
    }

}
