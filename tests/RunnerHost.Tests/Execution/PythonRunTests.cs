using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Tests.Execution;

[Collection(DockerCollection.Name)]
public sealed class PythonRunTests(RunnerFixture fx)
{
    internal const string Solution = "def add(a, b):\n    return a + b\n";

    internal const string Tests = """
        import pytest
        import unittest
        from add import add


        def test_small():
            print("checking small")
            assert add(1, 2) == 3


        @pytest.mark.parametrize("a,b,expected", [(1, 1, 2), (2, 3, 5), (-1, 1, 0)])
        def test_param(a, b, expected):
            assert add(a, b) == expected


        class TestMore:
            def test_zero(self):
                assert add(0, 0) == 0


        class AddCase(unittest.TestCase):
            def test_unittest_style(self):
                self.assertEqual(add(2, 2), 4)
        """;

    [Fact]
    public async Task Passing_solution_is_passed_with_one_event_per_test_in_order()
    {
        var (result, events) = await fx.RunAsync(RunLanguage.Python, new RunFile("add.py", Solution), new RunFile("test_add.py", Tests, true));

        Verdicts.Expect(RunVerdict.Passed, result);
        Assert.Equal(TestStatus.Pass, result.Status);
        Assert.Equal(3, result.Version);
        Assert.Equal(["test_small", "test_param[1-1-2]", "test_param[2-3-5]", "test_param[-1-1-0]", "TestMore::test_zero", "AddCase::test_unittest_style"],
            result.Tests.Select(t => t.Name));
        Assert.All(result.Tests, t => Assert.Equal(TestStatus.Pass, t.Status));
        Assert.Equal("checking small\n", result.Tests[0].Output);
        Assert.Contains("assert add(1, 2) == 3", result.Tests[0].TestCode);

        Assert.IsType<RunAccepted>(events[0]);
        Assert.IsType<RunStarted>(events[1]);
        var compiled = Assert.IsType<RunCompiled>(events[2]);
        Assert.Equal(6, compiled.Tests.Count);
        Assert.Equal(6, events.OfType<TestStarted>().Count());
        Assert.Equal(6, events.OfType<TestFinished>().Count());
        Assert.IsType<RunFinished>(events[^1]);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        // Each test_finished comes right after its own test_started: results stream as tests finish.
        var order = events.Where(e => e is TestStarted or TestFinished).ToList();
        for (var i = 0; i < order.Count; i += 2)
        {
            Assert.Equal(((TestStarted)order[i]).Name, ((TestFinished)order[i + 1]).Test.Name);
        }
        Assert.True(result.Resources.PeakMemoryBytes > 0);
        Assert.Empty(await fx.RunContainersAsync());
    }

    [Fact]
    public async Task Failing_solution_is_failed_with_the_assertion_message()
    {
        var (result, _) = await fx.RunAsync(RunLanguage.Python,
            new RunFile("add.py", "def add(a, b):\n    return a - b\n"), new RunFile("test_add.py", Tests, true));

        Verdicts.Expect(RunVerdict.Failed, result);
        Assert.Equal(TestStatus.Fail, result.Status);
        var small = result.Tests.Single(t => t.Name == "test_small");
        Assert.Equal(TestStatus.Fail, small.Status);
        Assert.Contains("assert -1 == 3", small.Message);
        Assert.Equal(TestStatus.Pass, result.Tests.Single(t => t.Name == "TestMore::test_zero").Status);
    }

    [Fact]
    public async Task Syntax_error_is_a_compile_error_with_its_line()
    {
        var (result, _) = await fx.RunAsync(RunLanguage.Python,
            new RunFile("add.py", "def add(a, b):\n    return a +\n"), new RunFile("test_add.py", Tests, true));

        Verdicts.Expect(RunVerdict.CompileError, result);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("add.py", d.File);
        Assert.Equal(2, d.Line);
        Assert.Equal("SyntaxError", d.Code);
    }

    [Fact]
    public async Task Conftest_is_rejected()
    {
        var (result, _) = await fx.RunAsync(RunLanguage.Python,
            new RunFile("add.py", Solution), new RunFile("conftest.py", "", false), new RunFile("test_add.py", Tests, true));
        Verdicts.Expect(RunVerdict.Rejected, result);
    }
}
