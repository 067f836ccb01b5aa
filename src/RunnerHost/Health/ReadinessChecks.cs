using Docker.DotNet;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LearningPlatform.RunnerHost.Health;

internal sealed class DockerHealthCheck(IDockerClient docker) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await docker.System.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("docker is not reachable", e);
        }
    }
}
