using LearningPlatform.Contracts.Runs;
using LearningPlatform.RunnerHost.Execution;

namespace LearningPlatform.RunnerHost.Tests.Execution;

public sealed class GraderTests
{
    private static RunObservation Complete(params (string Name, TestStatus Status)[] tests)
    {
        var o = new RunObservation { Collected = tests.Select(t => t.Name).ToList(), Done = true, IntegrityOk = true, ExitSeen = true };
        o.Finished.AddRange(tests.Select(t => new TestResult(t.Name, t.Status)));
        return o;
    }

    private static RunVerdict Grade(RunObservation o, params string[] expected) => Grader.Grade(o, expected, n => n, 1000).Verdict;

    [Fact]
    public void All_collected_tests_passing_is_passed() =>
        Assert.Equal(RunVerdict.Passed, Grade(Complete(("a", TestStatus.Pass), ("b", TestStatus.Pass)), "a", "b"));

    [Fact]
    public void One_failure_is_failed() =>
        Assert.Equal(RunVerdict.Failed, Grade(Complete(("a", TestStatus.Pass), ("b", TestStatus.Fail))));

    [Fact]
    public void A_collected_test_without_result_is_not_passed()
    {
        var o = Complete(("a", TestStatus.Pass));
        o.Collected!.Add("b");
        var (verdict, _, tests, _) = Grader.Grade(o, [], n => n, 1000);
        Assert.Equal(RunVerdict.RuntimeError, verdict);
        Assert.Equal(TestStatus.Error, tests.Single(t => t.Name == "b").Status);
    }

    [Fact]
    public void A_statically_known_test_missing_from_collection_is_not_passed() =>
        Assert.Equal(RunVerdict.RuntimeError, Grade(Complete(("a", TestStatus.Pass)), "a", "hidden"));

    [Fact]
    public void A_duplicate_or_unknown_result_is_not_passed()
    {
        var dup = Complete(("a", TestStatus.Pass));
        dup.Finished.Add(new TestResult("a", TestStatus.Pass));
        Assert.Equal(RunVerdict.RuntimeError, Grade(dup));

        var unknown = Complete(("a", TestStatus.Pass));
        unknown.Finished.Add(new TestResult("z", TestStatus.Pass));
        Assert.Equal(RunVerdict.RuntimeError, Grade(unknown));
    }

    [Fact]
    public void No_done_marker_or_tampered_framework_is_not_passed()
    {
        var noDone = Complete(("a", TestStatus.Pass));
        noDone.Done = false;
        Assert.Equal(RunVerdict.RuntimeError, Grade(noDone));

        var tampered = Complete(("a", TestStatus.Pass));
        tampered.IntegrityOk = false;
        Assert.Equal(RunVerdict.RuntimeError, Grade(tampered));
    }

    [Fact]
    public void Limits_take_precedence_over_results()
    {
        var o = Complete(("a", TestStatus.Pass));
        o.HostTimedOut = true;
        Assert.Equal(RunVerdict.Timeout, Grade(o));
        o = Complete(("a", TestStatus.Pass));
        o.OutputLimited = true;
        Assert.Equal(RunVerdict.OutputLimit, Grade(o));
        o = Complete(("a", TestStatus.Pass));
        o.Signal = 9;
        o.OomKills = 1;
        Assert.Equal(RunVerdict.MemoryLimit, Grade(o));
    }

    [Fact]
    public void No_tests_is_failed_not_passed() => Assert.Equal(RunVerdict.Failed, Grade(Complete()));

    [Fact]
    public void No_exit_frame_is_an_internal_error() =>
        Assert.Equal(RunVerdict.InternalError, Grade(new RunObservation()));
}
