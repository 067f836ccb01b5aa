using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using LearningPlatform.Contracts.Runs;
using Microsoft.Extensions.Options;

namespace LearningPlatform.RunnerHost.Sandbox;

/// Creates, attaches and starts locked-down sandbox containers. A container serves exactly one run.
internal sealed class SandboxFactory(IDockerClient docker, IOptions<SandboxOptions> options, RunnerIdentity identity, ILogger<SandboxFactory> logger)
{
    private readonly SandboxOptions _o = options.Value;

    public string ImageFor(RunLanguage language) =>
        _o.Images.TryGetValue(LanguageName(language), out var image) && !string.IsNullOrWhiteSpace(image)
            ? image
            : $"{_o.ImagePrefix}-{LanguageName(language)}:{_o.ImageTag}";

    public static string LanguageName(RunLanguage language) => language switch
    {
        RunLanguage.Python => "python",
        RunLanguage.JavaScript => "javascript",
        RunLanguage.CSharp => "csharp",
        _ => throw new ArgumentOutOfRangeException(nameof(language)),
    };

    public async Task<SandboxContainer> CreateStartedAsync(RunLanguage language, bool pooled, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var parameters = BuildParameters(language, pooled);
        var created = await docker.Containers.CreateContainerAsync(parameters, ct);
        var container = new SandboxContainer(docker, created.ID, language, pooled, logger);
        try
        {
            // Attach before start: the supervisor waits on stdin, and nothing it writes can be missed.
            var stream = await docker.Containers.AttachContainerAsync(created.ID, false,
                new ContainerAttachParameters { Stream = true, Stdin = true, Stdout = true, Stderr = true }, ct);
            container.Attach(stream);
            await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct);
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
        SandboxLog.Created(logger, created.ID, LanguageName(language), pooled, sw.ElapsedMilliseconds);
        return container;
    }

    internal CreateContainerParameters BuildParameters(RunLanguage language, bool pooled)
    {
        static string Tmpfs(long bytes, int inodes) =>
            string.Create(CultureInfo.InvariantCulture, $"rw,nosuid,nodev,noexec,size={bytes},nr_inodes={inodes},uid=65534,gid=65534");
        return new CreateContainerParameters
        {
            Image = ImageFor(language),
            User = "65534:65534",
            WorkingDir = "/work",
            // A pooled sandbox waits for its run and may warm its worker up meanwhile; a cold one has its run waiting.
            Env = pooled ? ["SANDBOX_WARMUP=1"] : [],
            AttachStdin = true,
            AttachStdout = true,
            AttachStderr = true,
            OpenStdin = true,
            StdinOnce = true,
            Tty = false,
            NetworkDisabled = true,
            Labels = new Dictionary<string, string>
            {
                [SandboxLabels.Sandbox] = "1",
                [SandboxLabels.Runner] = identity.Id,
                [SandboxLabels.Host] = Environment.MachineName,
                [SandboxLabels.Pid] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                [SandboxLabels.Language] = LanguageName(language),
                [SandboxLabels.CreatedUnix] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                [SandboxLabels.Pooled] = pooled ? "1" : "0",
            },
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                ReadonlyRootfs = true,
                Tmpfs = new Dictionary<string, string>
                {
                    ["/work"] = Tmpfs(_o.WorkDirBytes, _o.WorkDirInodes),
                    ["/tmp"] = Tmpfs(_o.TmpBytes, 256),
                },
                ShmSize = _o.ShmBytes,
                CapDrop = new List<string> { "ALL" },
                // The default seccomp profile applies as long as none is named here.
                SecurityOpt = new List<string> { "no-new-privileges" },
                PidsLimit = _o.PidsLimit,
                Memory = _o.MemoryBytes,
                MemorySwap = _o.MemoryBytes,
                NanoCPUs = _o.NanoCpus,
                Ulimits = new List<Ulimit>
                {
                    new() { Name = "nofile", Soft = _o.NoFile, Hard = _o.NoFile },
                    new() { Name = "fsize", Soft = _o.FileSizeBytes, Hard = _o.FileSizeBytes },
                    new() { Name = "core", Soft = 0, Hard = 0 },
                },
                IpcMode = "private",
                Privileged = false,
                Init = false,
                AutoRemove = false,
                // Output reaches us over the attach stream only; nothing is logged to the host's disk.
                LogConfig = new LogConfig { Type = "none", Config = new Dictionary<string, string>() },
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No },
            },
        };
    }
}

/// This runner process's identity, stamped on its containers' labels.
internal sealed class RunnerIdentity
{
    public string Id { get; } = Clip($"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}", 60);

    private static string Clip(string s, int n) => s.Length <= n ? s : s[..n];
}
