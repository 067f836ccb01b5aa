namespace LearningPlatform.Tests.Shared;

/// <summary>
/// The exact sandbox images of this checkout: the content-hash tags <c>sandbox-images/build.sh --tags</c> prints, as
/// <c>Runner:Sandbox:Images:{language}</c> settings. Another checkout on the same Docker host may move <c>:latest</c>
/// to a build of its own while tests run. Linked into the test projects that start a runner.
/// </summary>
internal static class SandboxImages
{
    private static readonly Lazy<Dictionary<string, string?>> Tags = new(Read);

    public static IReadOnlyDictionary<string, string?> Pinned => Tags.Value;

    private static Dictionary<string, string?> Read()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "sandbox-images", "build.sh")))
        {
            dir = dir.Parent;
        }

        var pinned = new Dictionary<string, string?>();
        if (dir is null)
        {
            return pinned;
        }

        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["sandbox-images/build.sh", "--tags"])
        {
            WorkingDirectory = dir.FullName,
            RedirectStandardOutput = true,
        })!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length == 2)
            {
                pinned[$"Runner:Sandbox:Images:{parts[0]}"] = parts[1].Trim();
            }
        }

        return pinned;
    }
}
