using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Tests.Execution;

/// Hostile Python submissions: each gets the right verdict, leaves nothing behind, and the next run is unaffected.
[Collection(DockerCollection.Name)]
public sealed class PythonHostileTests(RunnerFixture fx)
{
    private const string Check = "from solution import *\n\ndef test_check():\n    assert value() == 42\n";

    private async Task<RunResult> Run(string solution, string tests = Check)
    {
        var (result, _) = await fx.RunAsync(RunLanguage.Python, new RunFile("solution.py", solution), new RunFile("test_solution.py", tests, true));
        return result;
    }

    /// After any hostile run: no container of the run remains, and a good run right after passes.
    private async Task AssertRunnerHealthy()
    {
        Assert.Empty(await fx.RunContainersAsync());
        var (next, _) = await fx.RunAsync(RunLanguage.Python, new RunFile("add.py", PythonRunTests.Solution), new RunFile("test_add.py", PythonRunTests.Tests, true));
        Verdicts.Expect(RunVerdict.Passed, next);
    }

    [Fact]
    public async Task Fork_bomb_is_stopped()
    {
        var r = await Run("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\ndef value(): return 42\n");
        Assert.NotEqual(RunVerdict.Passed, r.Verdict);
        Assert.Contains(r.Verdict, new[] { RunVerdict.Timeout, RunVerdict.RuntimeError, RunVerdict.MemoryLimit });
        await AssertRunnerHealthy();
    }

    [Fact]
    public async Task Thread_bomb_is_stopped()
    {
        var r = await Run("import threading, time\nts = []\nwhile True:\n    t = threading.Thread(target=time.sleep, args=(100,))\n    t.start()\n    ts.append(t)\ndef value(): return 42\n");
        Assert.NotEqual(RunVerdict.Passed, r.Verdict);
        await AssertRunnerHealthy();
    }

    [Fact]
    public async Task Memory_bomb_is_memory_limit()
    {
        var r = await Run("def value():\n    blocks = []\n    while True:\n        blocks.append(bytearray(16 * 1024 * 1024))\n");
        Verdicts.Expect(RunVerdict.MemoryLimit, r);
        await AssertRunnerHealthy();
    }

    [Fact]
    public async Task Infinite_loop_is_timeout()
    {
        var r = await Run("def value():\n    while True:\n        pass\n");
        Verdicts.Expect(RunVerdict.Timeout, r);
        await AssertRunnerHealthy();
    }

    [Fact]
    public async Task Sleeping_past_the_wall_limit_is_timeout()
    {
        var r = await Run("import time\ndef value():\n    time.sleep(600)\n    return 42\n");
        Verdicts.Expect(RunVerdict.Timeout, r);
        await AssertRunnerHealthy();
    }

    [Fact]
    public async Task Output_flood_is_output_limit()
    {
        var r = await Run("import sys\ndef value():\n    return 42\nwhile True:\n    sys.__stdout__.write('x' * 10000)\n");
        Verdicts.Expect(RunVerdict.OutputLimit, r);
        Assert.True((r.Output?.Length ?? 0) <= 32768);
        await AssertRunnerHealthy();
    }

    [Fact]
    public async Task Huge_test_output_is_capped_per_test()
    {
        var r = await Run("def value():\n    print('y' * 20000)\n    return 42\n");
        Verdicts.Expect(RunVerdict.Passed, r);
        Assert.True(r.Tests[0].Output!.Length <= 500);
        var flood = await Run("def value():\n    print('y' * 2000000)\n    return 42\n");
        Verdicts.Expect(RunVerdict.OutputLimit, flood);
    }

    [Fact]
    public async Task Disk_fill_of_the_work_dir_fails_the_test_only()
    {
        var r = await Run("def value():\n    i = 0\n    while True:\n        with open('big%d' % i, 'wb') as f:\n            for _ in range(4):\n                f.write(b'z' * 1048576)\n        i += 1\n");
        Verdicts.Expect(RunVerdict.Failed, r);
        Assert.Contains("No space left on device", r.Tests[0].Message);
        await AssertRunnerHealthy();
    }

    [Fact]
    public async Task Inode_exhaustion_of_the_work_dir_fails_the_test_only()
    {
        var r = await Run("def value():\n    i = 0\n    while True:\n        open('f%d' % i, 'w').close()\n        i += 1\n");
        Verdicts.Expect(RunVerdict.Failed, r);
        Assert.Contains("No space left on device", r.Tests[0].Message);
        await AssertRunnerHealthy();
    }

    [Fact]
    public async Task Background_and_setsid_processes_do_not_outlive_the_run()
    {
        var r = await Run("import subprocess, os\ndef value():\n    subprocess.Popen(['sleep', '1000'], start_new_session=True)\n    if os.fork() == 0:\n        os.setsid()\n        import time\n        time.sleep(1000)\n    return 42\n");
        Verdicts.Expect(RunVerdict.Passed, r);
        await AssertRunnerHealthy();
    }

    [Fact]
    public async Task Network_is_unreachable()
    {
        var r = await Run("def value(): return 42\n", """
            import socket, pytest
            from solution import *

            def test_check():
                assert value() == 42

            def test_no_network():
                for host in ("1.1.1.1", "172.17.0.1", "8.8.8.8"):
                    with pytest.raises(OSError):
                        socket.create_connection((host, 53), timeout=1)

            def test_only_loopback():
                import os
                assert sorted(os.listdir("/sys/class/net")) == ["lo"]
            """);
        Verdicts.Expect(RunVerdict.Passed, r);
    }

    [Fact]
    public async Task Environment_and_host_files_reveal_nothing()
    {
        var r = await Run("def value(): return 42\n", """
            import os, pytest
            from solution import *

            def test_check():
                assert value() == 42

            def test_environment_is_minimal():
                assert set(os.environ) <= {"PATH", "HOME", "LANG", "TMPDIR", "PYTHONDONTWRITEBYTECODE", "PYTEST_DISABLE_PLUGIN_AUTOLOAD",
                    "DOTNET_CLI_TELEMETRY_OPTOUT", "DOTNET_gcServer", "DOTNET_GCHeapHardLimit", "DOTNET_TieredPGO", "DOTNET_EnableDiagnostics",
                    "PYTEST_CURRENT_TEST", "PYTEST_VERSION"}

            def test_supervisor_is_out_of_reach():
                for path in ("/proc/1/environ", "/proc/1/mem", "/proc/1/fd/0"):
                    with pytest.raises(OSError):
                        open(path, "rb").read(1)

            def test_no_docker_socket_or_host_dirs():
                assert not os.path.exists("/var/run/docker.sock")
                assert not os.path.exists("/root/.nuget")
                assert os.getuid() == 65534
            """);
        Assert.True(r.Verdict == RunVerdict.Passed, string.Join("\n", r.Tests.Select(t => t.Name + ": " + t.Message)));
    }

    [Fact]
    public async Task Writing_outside_the_work_dir_fails()
    {
        var r = await Run("def value(): return 42\n", """
            import pytest
            from solution import *

            def test_check():
                assert value() == 42

            @pytest.mark.parametrize("path", ["/etc/passwd", "/usr/bin/evil", "/opt/sandbox/worker.py", "/evil"])
            def test_readonly(path):
                with pytest.raises(OSError):
                    open(path, "w").write("x")
            """);
        Verdicts.Expect(RunVerdict.Passed, r);
    }

    [Fact]
    public async Task Files_left_in_tmp_or_shm_are_gone_for_the_next_run()
    {
        var marker = Guid.NewGuid().ToString("N");
        var first = await Run($"import os\nfor d in ('/tmp', '/dev/shm', '/work'):\n    open(os.path.join(d, '{marker}'), 'w').write('x')\ndef value(): return 42\n");
        Verdicts.Expect(RunVerdict.Passed, first);
        var second = await Run("def value(): return 42\n", $$"""
            import os
            from solution import *

            def test_check():
                assert value() == 42

            def test_clean():
                for d in ("/tmp", "/dev/shm", "/work"):
                    assert not os.path.exists(os.path.join(d, "{{marker}}"))
            """);
        Verdicts.Expect(RunVerdict.Passed, second);
    }

    [Fact]
    public async Task Huge_source_is_rejected()
    {
        var r = await Run("x = '" + new string('a', 300_000) + "'\ndef value(): return 42\n");
        Verdicts.Expect(RunVerdict.Rejected, r);
    }

    [Fact]
    public async Task Invalid_utf8_output_is_replaced_not_fatal()
    {
        var r = await Run("import sys, os\ndef value():\n    sys.stdout.buffer.write(b'bad \\xff\\xfe bytes')\n    sys.stdout.flush()\n    os.write(1, b'\\xc3')\n    return 42\n");
        Verdicts.Expect(RunVerdict.Passed, r);
        Assert.Contains("\uFFFD", r.Tests[0].Output);
    }

    [Fact]
    public async Task Lone_surrogates_in_source_are_not_fatal()
    {
        var r = await Run("def value():\n    return 42  # \uD800 broken\n");
        Verdicts.Expect(RunVerdict.Passed, r);
    }
}
