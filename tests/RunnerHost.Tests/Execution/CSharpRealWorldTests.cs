using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Tests.Execution;

/// Test files written the way the open Exercism C# track writes them (explicit usings, a public test class in the
/// global namespace or in a namespace, [Task(n)] of Exercism.Tests, Skip on the tests still to enable, stubs that
/// throw NotImplementedException) and with the rest of xunit's data attributes, run unchanged, each test reported
/// on its own and each theory case with its arguments.
[Collection(DockerCollection.Name)]
public sealed class CSharpRealWorldTests(RunnerFixture fx)
{
    // A practice exercise: facts, inline data, member data from a static method, an async fact.
    private const string MeterTests = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Xunit;

        public class ParkingMeterTests
        {
            [Fact]
            public void Short_stay_is_free()
            {
                Assert.Equal(0, ParkingMeter.Fee(15));
            }

            [Theory]
            [InlineData(16, 2)]
            [InlineData(75, 2)]
            [InlineData(76, 4)]
            public void Every_started_hour_costs_two(int minutes, int expected)
            {
                Assert.Equal(expected, ParkingMeter.Fee(minutes));
            }

            [Fact]
            public void Negative_minutes_are_refused()
            {
                var error = Assert.Throws<ArgumentOutOfRangeException>(() => ParkingMeter.Fee(-1));
                Assert.Contains("negative", error.Message);
            }

            public static IEnumerable<object[]> Receipts()
            {
                yield return new object[] { "ab-123", 90, new[] { "AB-123", "90 min", "4 EUR" } };
                yield return new object[] { "xy-9", 5, new[] { "XY-9", "5 min", "0 EUR" } };
            }

            [Theory]
            [MemberData(nameof(Receipts))]
            public void Receipt_lines(string plate, int minutes, string[] expected)
            {
                Assert.Equal(expected, ParkingMeter.Receipt(plate, minutes));
            }

            [Fact]
            public async Task Total_of_several_stays()
            {
                Assert.Equal(6, await ParkingMeter.TotalAsync(new[] { 16, 90 }));
            }
        }
        """;

    private const string Meter = """
        public static class ParkingMeter
        {
            public static int Fee(int minutes)
            {
                if (minutes < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(minutes), "Minutes cannot be negative.");
                }
                return minutes <= 15 ? 0 : (minutes - 15 + 59) / 60 * 2;
            }

            public static string[] Receipt(string plate, int minutes) => [plate.ToUpperInvariant(), $"{minutes} min", $"{Fee(minutes)} EUR"];

            public static async Task<int> TotalAsync(IEnumerable<int> stays)
            {
                await Task.Yield();
                return stays.Sum(Fee);
            }
        }
        """;

    // Whole hours rounded down instead of started hours.
    private static readonly string WrongMeter = Meter.Replace("(minutes - 15 + 59) / 60 * 2", "(minutes - 15) / 60 * 2");

    private const string MeterStub = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public static class ParkingMeter
        {
            public static int Fee(int minutes)
            {
                throw new NotImplementedException("You need to implement this method.");
            }

            public static string[] Receipt(string plate, int minutes)
            {
                throw new NotImplementedException("You need to implement this method.");
            }

            public static Task<int> TotalAsync(IEnumerable<int> stays)
            {
                throw new NotImplementedException("You need to implement this method.");
            }
        }
        """;

    private static readonly string[] MeterNames =
    [
        "ParkingMeterTests.Short_stay_is_free",
        "ParkingMeterTests.Every_started_hour_costs_two(minutes: 16, expected: 2)",
        "ParkingMeterTests.Every_started_hour_costs_two(minutes: 75, expected: 2)",
        "ParkingMeterTests.Every_started_hour_costs_two(minutes: 76, expected: 4)",
        "ParkingMeterTests.Negative_minutes_are_refused",
        """ParkingMeterTests.Receipt_lines(plate: "ab-123", minutes: 90, expected: ["AB-123", "90 min", "4 EUR"])""",
        """ParkingMeterTests.Receipt_lines(plate: "xy-9", minutes: 5, expected: ["XY-9", "5 min", "0 EUR"])""",
        "ParkingMeterTests.Total_of_several_stays",
    ];

    // A concept exercise: tests in a namespace, each with its task; TheoryData, ClassData, ThrowsAny, Empty,
    // Contains and Equivalent.
    private const string ThermostatTests = """
        using System;
        using System.Collections;
        using System.Collections.Generic;
        using Exercism.Tests;
        using Xunit;

        namespace Home.Heating.Tests;

        public class ThermostatTests
        {
            [Fact]
            [Task(1)]
            public void Starts_at_twenty_degrees()
            {
                Assert.Equal(20, new Thermostat().Target);
            }

            public static TheoryData<int, string> Modes => new()
            {
                { 17, "heat" },
                { 21, "idle" },
                { 23, "cool" },
            };

            [Theory]
            [Task(2)]
            [MemberData(nameof(Modes))]
            public void Mode_follows_the_temperature(int current, string expected)
            {
                Assert.Equal(expected, new Thermostat().Mode(current));
            }

            [Theory]
            [Task(3)]
            [ClassData(typeof(OutOfRangeTargets))]
            public void Target_out_of_range_is_refused(int degrees)
            {
                var thermostat = new Thermostat();
                Assert.ThrowsAny<ArgumentException>(() => thermostat.SetTarget(degrees));
                Assert.Empty(thermostat.Log);
            }

            [Fact]
            [Task(3)]
            public void Changes_are_logged()
            {
                var thermostat = new Thermostat();
                thermostat.SetTarget(22);
                Assert.Contains("target 22", thermostat.Log);
            }

            [Fact]
            [Task(4)]
            public void Reading_has_the_temperature_and_the_mode()
            {
                Assert.Equivalent(new { Current = 17, Mode = "heat" }, new Thermostat().Read(17));
            }
        }

        public class OutOfRangeTargets : IEnumerable<object[]>
        {
            public IEnumerator<object[]> GetEnumerator()
            {
                yield return new object[] { 4 };
                yield return new object[] { 31 };
            }

            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }
        """;

    private const string Thermostat = """
        public class Thermostat
        {
            private readonly List<string> _log = [];

            public int Target { get; private set; } = 20;

            public IReadOnlyList<string> Log => _log;

            public void SetTarget(int degrees)
            {
                if (degrees is < 5 or > 30)
                {
                    throw new ArgumentOutOfRangeException(nameof(degrees));
                }
                Target = degrees;
                _log.Add($"target {degrees}");
            }

            public string Mode(int current) => current < Target - 1 ? "heat" : current > Target + 1 ? "cool" : "idle";

            public Reading Read(int current) => new(current, Mode(current));
        }

        public record Reading(int Current, string Mode);
        """;

    // No tolerance around the target, and 31 degrees let through.
    private static readonly string WrongThermostat = Thermostat
        .Replace("current < Target - 1 ? \"heat\" : current > Target + 1", "current < Target ? \"heat\" : current > Target")
        .Replace("> 30", "> 31");

    private const string ThermostatStub = """
        using System;
        using System.Collections.Generic;

        public class Thermostat
        {
            public int Target => throw new NotImplementedException("Please implement the Thermostat.Target property");

            public IReadOnlyList<string> Log => throw new NotImplementedException("Please implement the Thermostat.Log property");

            public void SetTarget(int degrees) => throw new NotImplementedException("Please implement the Thermostat.SetTarget() method");

            public string Mode(int current) => throw new NotImplementedException("Please implement the Thermostat.Mode() method");

            public Reading Read(int current) => throw new NotImplementedException("Please implement the Thermostat.Read() method");
        }

        public record Reading(int Current, string Mode);
        """;

    private static readonly string[] ThermostatNames =
    [
        "ThermostatTests.Starts_at_twenty_degrees",
        """ThermostatTests.Mode_follows_the_temperature(current: 17, expected: "heat")""",
        """ThermostatTests.Mode_follows_the_temperature(current: 21, expected: "idle")""",
        """ThermostatTests.Mode_follows_the_temperature(current: 23, expected: "cool")""",
        "ThermostatTests.Target_out_of_range_is_refused(degrees: 4)",
        "ThermostatTests.Target_out_of_range_is_refused(degrees: 31)",
        "ThermostatTests.Changes_are_logged",
        "ThermostatTests.Reading_has_the_temperature_and_the_mode",
    ];

    private static void ExpectTests(RunResult r, params (string Name, TestStatus Status)[] expected) =>
        Assert.Equal(expected, r.Tests.Select(t => (t.Name, t.Status)));

    private static TestResult Test(RunResult r, string name) => r.Tests.Single(t => t.Name == name);

    private async Task<RunResult> RunAsync(string solutionFile, string solution, string testFile, string tests) =>
        (await fx.RunAsync(RunLanguage.CSharp, new RunFile(solutionFile, solution), new RunFile(testFile, tests, true))).Result;

    [Fact]
    public async Task Practice_exercise_passes_with_each_theory_case_named_by_its_arguments()
    {
        var r = await RunAsync("ParkingMeter.cs", Meter, "ParkingMeterTests.cs", MeterTests);

        Verdicts.Expect(RunVerdict.Passed, r);
        ExpectTests(r, [.. MeterNames.Select(n => (n, TestStatus.Pass))]);
    }

    [Fact]
    public async Task Wrong_solution_fails_exactly_the_cases_it_gets_wrong()
    {
        var r = await RunAsync("ParkingMeter.cs", WrongMeter, "ParkingMeterTests.cs", MeterTests);

        Verdicts.Expect(RunVerdict.Failed, r);
        string[] failing = [MeterNames[1], MeterNames[3], MeterNames[5], MeterNames[7]];
        ExpectTests(r, [.. MeterNames.Select(n => (n, failing.Contains(n) ? TestStatus.Fail : TestStatus.Pass))]);
        var fee = Test(r, MeterNames[1]).Message!;
        Assert.Contains("Assert.Equal() Failure", fee);
        Assert.Contains("Expected: 2", fee);
        Assert.Contains("Actual:   0", fee);
        var receipt = Test(r, MeterNames[5]).Message!;
        Assert.Contains("Collections differ", receipt);
        Assert.Contains("\"2 EUR\"", receipt);
    }

    [Fact]
    public async Task Stub_fails_every_test_with_its_not_implemented_message()
    {
        var r = await RunAsync("ParkingMeter.cs", MeterStub, "ParkingMeterTests.cs", MeterTests);

        Verdicts.Expect(RunVerdict.Failed, r);
        ExpectTests(r, [.. MeterNames.Select(n => (n, TestStatus.Fail))]);
        Assert.StartsWith("System.NotImplementedException: You need to implement this method.", Test(r, MeterNames[0]).Message);
        Assert.Contains("ParkingMeter.Fee", Test(r, MeterNames[0]).Message);
        // Assert.Throws saw the wrong exception.
        Assert.Contains("typeof(System.NotImplementedException)", Test(r, MeterNames[4]).Message);
        // The stack shows the solution's and the test's frames, not the harness's nor reflection's.
        var total = Test(r, MeterNames[7]).Message!;
        Assert.Contains("at ParkingMeterTests.Total_of_several_stays()", total);
        Assert.DoesNotContain("SandboxHarness", total);
        Assert.DoesNotContain("InvokeStub_", Test(r, MeterNames[3]).Message);
    }

    [Fact]
    public async Task Concept_exercise_in_a_namespace_passes_with_each_test_and_its_task()
    {
        var r = await RunAsync("Thermostat.cs", Thermostat, "ThermostatTests.cs", ThermostatTests);

        Verdicts.Expect(RunVerdict.Passed, r);
        ExpectTests(r, [.. ThermostatNames.Select(n => (n, TestStatus.Pass))]);
        Assert.Equal([1, 2, 2, 2, 3, 3, 3, 4], r.Tests.Select(t => t.TaskId));
    }

    [Fact]
    public async Task Concept_exercise_wrong_solution_fails_the_cases_it_gets_wrong()
    {
        var r = await RunAsync("Thermostat.cs", WrongThermostat, "ThermostatTests.cs", ThermostatTests);

        Verdicts.Expect(RunVerdict.Failed, r);
        string[] failing = [ThermostatNames[2], ThermostatNames[5]];
        ExpectTests(r, [.. ThermostatNames.Select(n => (n, failing.Contains(n) ? TestStatus.Fail : TestStatus.Pass))]);
        Assert.Contains("Expected: \"idle\"", Test(r, ThermostatNames[2]).Message);
        Assert.Contains("No exception was thrown", Test(r, ThermostatNames[5]).Message);
    }

    [Fact]
    public async Task Concept_stub_fails_every_test()
    {
        var r = await RunAsync("Thermostat.cs", ThermostatStub, "ThermostatTests.cs", ThermostatTests);

        Verdicts.Expect(RunVerdict.Failed, r);
        ExpectTests(r, [.. ThermostatNames.Select(n => (n, TestStatus.Fail))]);
        Assert.StartsWith("System.NotImplementedException: Please implement the Thermostat.Target property", Test(r, ThermostatNames[0]).Message);
    }

    [Fact]
    public async Task Tests_still_to_enable_are_reported_as_skipped_with_their_reason()
    {
        var r = await RunAsync("Greeter.cs", """
            public static class Greeter
            {
                public static string Greet(string? name = null) => $"Hello, {name ?? "stranger"}!";
            }
            """, "GreeterTests.cs", """
            using Xunit;

            public class GreeterTests
            {
                [Fact]
                public void No_name_given()
                {
                    Assert.Equal("Hello, stranger!", Greeter.Greet());
                }

                [Fact(Skip = "Remove this Skip property to run this test")]
                public void A_name_given()
                {
                    Assert.Equal("Hello, Ada!", Greeter.Greet("Ada"));
                }

                [Theory(Skip = "Remove this Skip property to run this test")]
                [InlineData("Alan")]
                [InlineData(null)]
                public void Any_name(string? name)
                {
                    Assert.StartsWith("Hello, ", Greeter.Greet(name));
                }
            }
            """);

        Verdicts.Expect(RunVerdict.Failed, r);
        ExpectTests(r, ("GreeterTests.No_name_given", TestStatus.Pass), ("GreeterTests.A_name_given", TestStatus.Error),
            ("GreeterTests.Any_name(name: \"Alan\")", TestStatus.Error), ("GreeterTests.Any_name(name: null)", TestStatus.Error));
        Assert.All(r.Tests.Skip(1), t => Assert.Equal("skipped: Remove this Skip property to run this test", t.Message));
    }

    [Fact]
    public async Task Data_that_does_not_fit_the_method_fails_that_case_only()
    {
        var r = await RunAsync("Greeter.cs", "public static class Greeter { public static string Greet(string name) => name; }", "GreeterTests.cs", """
            public class GreeterTests
            {
                [Theory]
                [InlineData("Ada")]
                [InlineData("Ada", "Lovelace")]
                [InlineData]
                public void Greets(string name) => Assert.Equal(name, Greeter.Greet(name));

                [Theory]
                [InlineData("Ada")]
                public void Greets_politely(string name, string title = "Dr") => Assert.Equal(name, Greeter.Greet(name));
            }
            """);

        Verdicts.Expect(RunVerdict.Failed, r);
        ExpectTests(r, ("GreeterTests.Greets(name: \"Ada\")", TestStatus.Pass), ("GreeterTests.Greets(name: \"Ada\", ???: \"Lovelace\")", TestStatus.Fail),
            ("GreeterTests.Greets(name: ???)", TestStatus.Fail), ("GreeterTests.Greets_politely(name: \"Ada\", title: \"Dr\")", TestStatus.Pass));
        Assert.Equal("The test method expected 1 parameter value, but 2 parameter values were provided.", r.Tests[1].Message);
        Assert.Equal("The test method expected 1 parameter value, but 0 parameter values were provided.", r.Tests[2].Message);
    }
}
