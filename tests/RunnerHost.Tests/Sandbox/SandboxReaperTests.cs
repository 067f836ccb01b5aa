using System.Globalization;
using Docker.DotNet.Models;
using LearningPlatform.RunnerHost.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace LearningPlatform.RunnerHost.Tests.Sandbox;

[Collection(DockerCollection.Name)]
public sealed class SandboxReaperTests(RunnerFixture fx)
{
    private async Task<string> CreateLabelledAsync(string runner, long createdUnix, int pid)
    {
        var created = await fx.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = fx.Services.GetRequiredService<SandboxFactory>().ImageFor(LearningPlatform.Contracts.Runs.RunLanguage.Python),
            Entrypoint = ["sleep", "600"],
            NetworkDisabled = true,
            Labels = new Dictionary<string, string>
            {
                [SandboxLabels.Sandbox] = "1",
                [SandboxLabels.Runner] = runner,
                [SandboxLabels.CreatedUnix] = createdUnix.ToString(CultureInfo.InvariantCulture),
                [SandboxLabels.Host] = Environment.MachineName,
                [SandboxLabels.Pid] = pid.ToString(CultureInfo.InvariantCulture),
                [SandboxLabels.Pooled] = "0",
            },
            HostConfig = new HostConfig { NetworkMode = "none" },
        });
        await fx.Docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        return created.ID;
    }

    private async Task<bool> ExistsAsync(string id) =>
        (await fx.Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true })).Any(c => c.ID == id);

    [Fact]
    public async Task Strays_of_dead_or_old_runners_are_removed_and_live_ones_kept()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var old = await CreateLabelledAsync("old-runner", now - 100_000, Environment.ProcessId);
        var deadPid = await CreateLabelledAsync("dead-runner", now, 999_999_999);
        var live = await CreateLabelledAsync("live-runner", now, Environment.ProcessId);
        try
        {
            var reaper = fx.Services.GetRequiredService<SandboxReaper>();
            var removed = await reaper.ReapAsync(startup: false, CancellationToken.None);

            Assert.True(removed >= 2);
            Assert.False(await ExistsAsync(old));
            Assert.False(await ExistsAsync(deadPid));
            Assert.True(await ExistsAsync(live));
        }
        finally
        {
            foreach (var id in new[] { old, deadPid, live })
            {
                try
                {
                    await fx.Docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
                }
                catch (Docker.DotNet.DockerContainerNotFoundException)
                {
                }
            }
        }
    }
}
