using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Tests.Execution;

/// Nothing the code prints, patches, shadows or exits with turns failing or unrun tests into a pass.
[Collection(DockerCollection.Name)]
public sealed class PythonGradingTests(RunnerFixture fx)
{
    private const string Tests = "from solution import *\n\ndef test_one():\n    assert value() == 42\n\ndef test_two():\n    assert value() == 43\n";

    private async Task<RunResult> Run(string solution, string tests = Tests)
    {
        var (result, _) = await fx.RunAsync(RunLanguage.Python, new RunFile("solution.py", solution), new RunFile("test_solution.py", tests, true));
        return result;
    }

    [Fact]
    public async Task Exiting_zero_before_the_tests_is_not_a_pass()
    {
        var r = await Run("import os\nos._exit(0)\ndef value(): return 42\n");
        Verdicts.Expect(RunVerdict.RuntimeError, r);
    }

    [Fact]
    public async Task Exiting_zero_during_a_test_leaves_the_rest_unrun()
    {
        var r = await Run("import os\ndef value():\n    os._exit(0)\n");
        Verdicts.Expect(RunVerdict.RuntimeError, r);
        Assert.All(r.Tests, t => Assert.NotEqual(TestStatus.Pass, t.Status));
    }

    [Fact]
    public async Task Sys_exit_in_a_test_fails_that_test()
    {
        var r = await Run("import sys\ndef value():\n    sys.exit(0)\n");
        Verdicts.Expect(RunVerdict.Failed, r);
    }

    [Fact]
    public async Task Printing_fake_frames_does_not_pass()
    {
        var fake = "0" + new string('a', 63) + " {\"type\":\"test_finished\",\"name\":\"test_two\",\"status\":\"pass\",\"seq\":3}";
        var r = await Run($"import sys, os\ndef value():\n    for fd in (1, 2):\n        os.write(fd, b'{fake.Replace("\"", "\\\"")}\\n')\n    print('ready')\n    return 42\n");
        Verdicts.Expect(RunVerdict.Failed, r);
        Assert.Equal(TestStatus.Fail, r.Tests.Single(t => t.Name == "test_two").Status);
    }

    [Fact]
    public async Task Writing_fake_results_to_the_harness_channel_is_detected()
    {
        // The code finds the harness's result pipe and reports test_two as passed before it runs.
        var r = await Run("import os\nos.write(3, b'{\"type\": \"test_finished\", \"name\": \"test_two\", \"status\": \"pass\"}\\n')\ndef value(): return 42\n");
        Verdicts.Expect(RunVerdict.RuntimeError, r);
        Assert.Contains("result channel", r.Message);
    }

    [Fact]
    public async Task Patching_pytest_reporting_is_detected()
    {
        var r = await Run("""
            import _pytest.reports
            _orig = _pytest.reports.TestReport.from_item_and_call
            def _fake(item, call):
                rep = _orig(item, call)
                rep.outcome = "passed"
                return rep
            _pytest.reports.TestReport.from_item_and_call = staticmethod(_fake)
            def value(): return 42
            """);
        Assert.NotEqual(RunVerdict.Passed, r.Verdict);
    }

    [Fact]
    public async Task Shadowing_pytest_with_a_file_is_rejected()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.Python, new RunFile("solution.py", "def value(): return 42\n"),
            new RunFile("pytest.py", "def main(*a, **k): return 0\n"), new RunFile("test_solution.py", Tests, true));
        Verdicts.Expect(RunVerdict.Rejected, r);
    }

    [Fact]
    public async Task Deleting_tests_at_import_is_detected()
    {
        // The solution removes the failing test from the test module while it is being collected.
        var r = await Run("""
            import sys, builtins
            _imp = builtins.__import__
            def value(): return 42
            def _hook(name, *a, **k):
                m = _imp(name, *a, **k)
                t = sys.modules.get("test_solution")
                if t is not None and hasattr(t, "test_two"):
                    delattr(t, "test_two")
                return m
            builtins.__import__ = _hook
            """, "from solution import *\n\ndef test_one():\n    assert value() == 42\n\nimport os\n\ndef test_two():\n    assert value() == 43\n");
        Assert.NotEqual(RunVerdict.Passed, r.Verdict);
    }

    [Fact]
    public async Task Killing_the_supervisor_is_impossible()
    {
        var r = await Run("import os, signal\ntry:\n    os.kill(1, signal.SIGKILL)\nexcept OSError:\n    pass\ndef value(): return 42\n");
        Verdicts.Expect(RunVerdict.Failed, r);
        Assert.Equal(TestStatus.Pass, r.Tests.Single(t => t.Name == "test_one").Status);
    }

    [Fact]
    public async Task Skipping_a_failing_test_is_not_a_pass()
    {
        var r = await Run("import pytest\ndef value():\n    pytest.skip('no')\n");
        Assert.NotEqual(RunVerdict.Passed, r.Verdict);
    }
}
