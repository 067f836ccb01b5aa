using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Tests.Execution;

/// Test files written the way the open Exercism Python track writes them (unittest classes with subTest and task
/// marks, an import guard, assertRaises on the message), and pytest files as other courses write them
/// (parametrize, pytest.raises with match, async tests), run unchanged, each test reported on its own.
[Collection(DockerCollection.Name)]
public sealed class PythonRealWorldTests(RunnerFixture fx)
{
    // A concept exercise: tasks, variations as subtests, the solution imported by its file's name.
    private const string MeterTests = """
        import unittest
        import pytest

        try:
            from parking_meter import (FREE_MINUTES,
                                       fee_for,
                                       receipt)
        except ImportError as import_fail:
            # pylint: disable=raise-missing-from
            raise ImportError(f'\n\nMISSING NAME --> {import_fail.args[0]}\n'
                              "Check what 'parking_meter.py' defines.") from None


        class ParkingMeterTest(unittest.TestCase):

            @pytest.mark.task(taskno=1)
            def test_free_minutes(self):
                self.assertEqual(FREE_MINUTES, 15, msg='Expected FREE_MINUTES to be 15.')

            @pytest.mark.task(taskno=2)
            def test_fee_for(self):
                input_data = [(0, 0), (15, 0), (16, 2), (75, 2), (76, 4)]

                for variant, (minutes, fee) in enumerate(input_data, start=1):
                    with self.subTest(f'variation #{variant}', minutes=minutes, fee=fee):
                        failure_msg = f'Expected a fee of {fee} for {minutes} minutes.'
                        self.assertEqual(fee_for(minutes), fee, msg=failure_msg)

            @pytest.mark.task(taskno=2)
            def test_negative_minutes_are_refused(self):
                with self.assertRaises(ValueError) as err:
                    fee_for(-1)
                self.assertEqual(type(err.exception), ValueError)
                self.assertEqual(err.exception.args[0], 'minutes cannot be negative')

            @pytest.mark.task(taskno=3)
            def test_receipt(self):
                self.assertEqual(receipt('ab-123', 90), 'AB-123: 90 min, 4 EUR')
        """;

    private const string Meter = """
        FREE_MINUTES = 15


        def fee_for(minutes):
            if minutes < 0:
                raise ValueError('minutes cannot be negative')
            if minutes <= FREE_MINUTES:
                return 0
            return -(-(minutes - FREE_MINUTES) // 60) * 2


        def receipt(plate, minutes):
            return f'{plate.upper()}: {minutes} min, {fee_for(minutes)} EUR'
        """;

    // Whole hours rounded down instead of started hours.
    private static readonly string WrongMeter = Meter.Replace("-(-(minutes - FREE_MINUTES) // 60) * 2", "(minutes - FREE_MINUTES) // 60 * 2");

    // As a concept exercise's stub: the constant still to be defined, the functions still empty.
    private const string MeterStub = """
        # TODO: define the 'FREE_MINUTES' constant


        def fee_for(minutes):
            pass


        def receipt(plate, minutes):
            pass
        """;

    // pytest style: parametrized cases, pytest.raises with match, coroutine tests (function, method, TestCase).
    private const string StepTests = """
        import unittest

        import pytest

        from step_counter import goal_message, parse_steps, total_steps


        @pytest.mark.parametrize("steps, expected", [
            (0, "keep moving"),
            (5000, "halfway there"),
            (10000, "goal reached"),
        ])
        def test_goal_message(steps, expected):
            assert goal_message(steps) == expected


        @pytest.mark.parametrize("text", ["", "12a", "-5"], ids=["empty", "letters", "negative"])
        def test_parse_steps_refuses(text):
            with pytest.raises(ValueError, match=r"^invalid step count: "):
                parse_steps(text)


        def test_parse_steps():
            assert parse_steps("4200") == 4200


        async def test_total_steps():
            assert await total_steps([1200, 800, 3000]) == 5000


        class TestTotals:
            async def test_no_readings(self):
                assert await total_steps([]) == 0


        class TotalStepsTest(unittest.TestCase):
            async def test_one_reading(self):
                self.assertEqual(await total_steps([700]), 700)
        """;

    private const string Steps = """
        import asyncio


        def goal_message(steps):
            if steps >= 10000:
                return "goal reached"
            if steps >= 5000:
                return "halfway there"
            return "keep moving"


        def parse_steps(text):
            if not text.isdigit():
                raise ValueError(f"invalid step count: {text!r}")
            return int(text)


        async def read(count):
            await asyncio.sleep(0)
            return count


        async def total_steps(readings):
            counts = await asyncio.gather(*(read(r) for r in readings))
            return sum(counts)
        """;

    // Off by one at the half-way mark, another message for empty input, negative numbers taken, the first reading lost.
    private static readonly string WrongSteps = Steps
        .Replace("steps >= 5000", "steps > 5000")
        .Replace("    if not text.isdigit():", "    if not text:\n        raise ValueError(\"no input\")\n    if not text.lstrip(\"-\").isdigit():")
        .Replace("return sum(counts)", "return sum(counts[1:])");

    // As a practice exercise's stub: every function there, none implemented.
    private const string StepsStub = """
        def goal_message(steps):
            pass


        def parse_steps(text):
            pass


        async def total_steps(readings):
            pass
        """;

    private static readonly string[] StepNames =
    [
        "test_goal_message[0-keep moving]", "test_goal_message[5000-halfway there]", "test_goal_message[10000-goal reached]",
        "test_parse_steps_refuses[empty]", "test_parse_steps_refuses[letters]", "test_parse_steps_refuses[negative]",
        "test_parse_steps", "test_total_steps", "TestTotals::test_no_readings", "TotalStepsTest::test_one_reading",
    ];

    private static void ExpectTests(RunResult r, params (string Name, TestStatus Status)[] expected) =>
        Assert.Equal(expected, r.Tests.Select(t => (t.Name, t.Status)));

    private static TestResult Test(RunResult r, string name) => r.Tests.Single(t => t.Name == name);

    [Fact]
    public async Task Concept_exercise_passes_with_each_test_and_its_task()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.Python, new RunFile("parking_meter.py", Meter), new RunFile("parking_meter_test.py", MeterTests, true));

        Verdicts.Expect(RunVerdict.Passed, r);
        ExpectTests(r,
            ("ParkingMeterTest::test_fee_for", TestStatus.Pass), ("ParkingMeterTest::test_free_minutes", TestStatus.Pass),
            ("ParkingMeterTest::test_negative_minutes_are_refused", TestStatus.Pass), ("ParkingMeterTest::test_receipt", TestStatus.Pass));
        Assert.Equal([2, 1, 2, 3], r.Tests.Select(t => t.TaskId));
    }

    [Fact]
    public async Task Failing_subtests_are_each_named_in_the_failure_and_the_others_still_run()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.Python, new RunFile("parking_meter.py", WrongMeter), new RunFile("parking_meter_test.py", MeterTests, true));

        Verdicts.Expect(RunVerdict.Failed, r);
        ExpectTests(r,
            ("ParkingMeterTest::test_fee_for", TestStatus.Fail), ("ParkingMeterTest::test_free_minutes", TestStatus.Pass),
            ("ParkingMeterTest::test_negative_minutes_are_refused", TestStatus.Pass), ("ParkingMeterTest::test_receipt", TestStatus.Fail));
        var fee = Test(r, "ParkingMeterTest::test_fee_for").Message!;
        Assert.StartsWith("2 of 5 subtests failed", fee);
        // Variation 3 fails, 4 passes, and 5, after them, still ran and failed.
        Assert.Contains("[variation #3] (minutes=16, fee=2)", fee);
        Assert.Contains("AssertionError: 0 != 2 : Expected a fee of 2 for 16 minutes.", fee);
        Assert.Contains("[variation #5] (minutes=76, fee=4)", fee);
        Assert.Contains("AssertionError: 2 != 4 : Expected a fee of 4 for 76 minutes.", fee);
        Assert.DoesNotContain("variation #4", fee);
        Assert.Contains("'AB-123: 90 min, 2 EUR' != 'AB-123: 90 min, 4 EUR'", Test(r, "ParkingMeterTest::test_receipt").Message);
    }

    [Fact]
    public async Task Concept_stub_fails_with_the_test_files_own_import_message()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.Python, new RunFile("parking_meter.py", MeterStub), new RunFile("parking_meter_test.py", MeterTests, true));

        Verdicts.Expect(RunVerdict.RuntimeError, r);
        Assert.Contains("MISSING NAME --> cannot import name 'FREE_MINUTES' from 'parking_meter'", r.Message);
        Assert.All(r.Tests, t => Assert.NotEqual(TestStatus.Pass, t.Status));
    }

    [Fact]
    public async Task Pytest_file_passes_with_each_case_and_the_async_tests_run()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.Python, new RunFile("step_counter.py", Steps), new RunFile("step_counter_test.py", StepTests, true));

        Verdicts.Expect(RunVerdict.Passed, r);
        ExpectTests(r, [.. StepNames.Select(n => (n, TestStatus.Pass))]);
    }

    [Fact]
    public async Task Wrong_solution_fails_exactly_the_cases_it_gets_wrong()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.Python, new RunFile("step_counter.py", WrongSteps), new RunFile("step_counter_test.py", StepTests, true));

        Verdicts.Expect(RunVerdict.Failed, r);
        string[] failing = ["test_goal_message[5000-halfway there]", "test_parse_steps_refuses[empty]", "test_parse_steps_refuses[negative]", "test_total_steps", "TotalStepsTest::test_one_reading"];
        ExpectTests(r, [.. StepNames.Select(n => (n, failing.Contains(n) ? TestStatus.Fail : TestStatus.Pass))]);
        Assert.Contains("assert 'keep moving' == 'halfway there'", Test(r, "test_goal_message[5000-halfway there]").Message);
        Assert.Contains("Regex pattern did not match.", Test(r, "test_parse_steps_refuses[empty]").Message);
        Assert.Contains("DID NOT RAISE", Test(r, "test_parse_steps_refuses[negative]").Message);
        Assert.Contains("assert 3800 == 5000", Test(r, "test_total_steps").Message);
        Assert.Contains("AssertionError: 0 != 700", Test(r, "TotalStepsTest::test_one_reading").Message);
    }

    [Fact]
    public async Task Practice_stub_fails_every_test()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.Python, new RunFile("step_counter.py", StepsStub), new RunFile("step_counter_test.py", StepTests, true));

        Verdicts.Expect(RunVerdict.Failed, r);
        ExpectTests(r, [.. StepNames.Select(n => (n, TestStatus.Fail))]);
        Assert.Contains("assert None == 5000", Test(r, "test_total_steps").Message);
    }

    [Fact]
    public async Task Skipped_tests_are_reported_as_skipped_with_their_reason()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.Python, new RunFile("step_counter.py", Steps), new RunFile("step_counter_test.py", """
            import unittest

            import pytest

            from step_counter import goal_message


            def test_first():
                assert goal_message(0) == "keep moving"


            @pytest.mark.skip(reason="bonus task")
            def test_bonus():
                assert goal_message(-1) == "?"


            class GoalTest(unittest.TestCase):
                @unittest.skip("not yet")
                def test_later(self):
                    self.fail("skipped tests do not run")
            """, true));

        Verdicts.Expect(RunVerdict.Failed, r);
        ExpectTests(r, ("test_first", TestStatus.Pass), ("test_bonus", TestStatus.Error), ("GoalTest::test_later", TestStatus.Error));
        Assert.Equal("skipped: bonus task", Test(r, "test_bonus").Message);
        Assert.Equal("skipped: not yet", Test(r, "GoalTest::test_later").Message);
    }
}
