using Docker.DotNet;
using LearningPlatform.RunnerHost.Execution;
using LearningPlatform.RunnerHost.Health;
using LearningPlatform.RunnerHost.Languages;
using LearningPlatform.RunnerHost.Languages.CSharp;
using LearningPlatform.RunnerHost.Languages.JavaScript;
using LearningPlatform.RunnerHost.Languages.Python;
using LearningPlatform.RunnerHost.Pools;
using LearningPlatform.RunnerHost.Queue;
using LearningPlatform.RunnerHost.Sandbox;
using LearningPlatform.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace LearningPlatform.RunnerHost;

internal static class RunnerServices
{
    /// Everything the runner needs, each limit an option validated at start. Call after AddServiceDefaults.
    public static IServiceCollection AddRunner(this IServiceCollection services)
    {
        services.AddValidatedOptions<SandboxOptions>(SandboxOptions.SectionName);
        services.AddValidatedOptions<CSharpOptions>(CSharpOptions.SectionName);
        services.AddValidatedOptions<PoolOptions>(PoolOptions.SectionName);
        services.AddValidatedOptions<AdmissionOptions>(AdmissionOptions.SectionName);
        services.AddValidatedOptions<RunQueueOptions>(RunQueueOptions.SectionName);

        services.AddSingleton<RunnerIdentity>();
        services.AddSingleton<IDockerClient>(sp =>
            new DockerClientConfiguration(new Uri(sp.GetRequiredService<IOptions<SandboxOptions>>().Value.DockerEndpoint)).CreateClient());
        services.AddSingleton<SandboxFactory>();
        services.AddSingleton<CSharpCompiler>();
        services.AddSingleton<ILanguageRuntime, PythonRuntime>();
        services.AddSingleton<ILanguageRuntime, JavaScriptRuntime>();
        services.AddSingleton<ILanguageRuntime, CSharpRuntime>();
        services.AddSingleton<AdmissionControl>();
        services.AddSingleton<WarmPool>();
        services.AddSingleton<RunExecutor>();
        services.AddSingleton<CSharpWarmup>();
        services.AddSingleton<SandboxReaper>();

        services.AddHostedService(sp => sp.GetRequiredService<SandboxReaper>());
        services.AddHostedService(sp => sp.GetRequiredService<CSharpWarmup>());
        services.AddHostedService(sp => sp.GetRequiredService<WarmPool>());
        services.AddHostedService<RedisRunQueue>();

        // Redis (connection, key prefix, "redis" readiness) and the event bus come from AddServiceDefaults.
        services.AddHealthChecks().AddCheck<DockerHealthCheck>("docker", tags: ["ready"]);
        return services;
    }
}
