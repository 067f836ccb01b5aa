using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Tests.Execution;

[Collection(DockerCollection.Name)]
public sealed class CSharpRunTests(RunnerFixture fx)
{
    private const string Solution = """
        public static class Calculator
        {
            public static int Add(int a, int b) => a + b;
            public static int Divide(int a, int b) => a / b;
        }
        """;

    // As in an ordinary xunit test project: implicit usings (no using Xunit; no using System.Linq).
    private const string Tests = """
        public class CalculatorTests
        {
            [Fact]
            public void Adds_small_numbers()
            {
                Console.WriteLine("adding");
                Assert.Equal(3, Calculator.Add(1, 2));
            }

            [Theory]
            [InlineData(1, 1, 2)]
            [InlineData(2, 3, 5)]
            [InlineData(-1, 1, 0)]
            public void Adds(int a, int b, int expected) => Assert.Equal(expected, Calculator.Add(a, b));

            [Fact]
            public void Divide_by_zero_throws() => Assert.Throws<DivideByZeroException>(() => Calculator.Divide(1, 0));

            [Fact]
            public async Task Async_works()
            {
                await Task.Yield();
                Assert.Contains(2, new[] { 1, 2, 3 }.Select(x => x));
            }
        }
        """;

    [Fact]
    public async Task Passing_solution_is_passed_with_one_event_per_test()
    {
        var (r, events) = await fx.RunAsync(RunLanguage.CSharp, new RunFile("Calculator.cs", Solution), new RunFile("CalculatorTests.cs", Tests, true));
        Verdicts.Expect(RunVerdict.Passed, r);
        Assert.Equal(["CalculatorTests.Adds_small_numbers", "CalculatorTests.Adds(a: 1, b: 1, expected: 2)", "CalculatorTests.Adds(a: 2, b: 3, expected: 5)",
            "CalculatorTests.Adds(a: -1, b: 1, expected: 0)", "CalculatorTests.Divide_by_zero_throws", "CalculatorTests.Async_works"], r.Tests.Select(t => t.Name));
        Assert.Equal("adding\n", r.Tests[0].Output);
        Assert.Contains("Assert.Equal(3, Calculator.Add(1, 2));", r.Tests[0].TestCode);
        Assert.Equal(6, events.OfType<TestFinished>().Count());
        Assert.True(r.Timings.CompileMs > 0);
        Assert.Empty(await fx.RunContainersAsync());
    }

    [Fact]
    public async Task Failing_solution_is_failed_with_the_assert_message()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.CSharp, new RunFile("Calculator.cs", Solution.Replace("a + b", "a - b")), new RunFile("CalculatorTests.cs", Tests, true));
        Verdicts.Expect(RunVerdict.Failed, r);
        var t = r.Tests[0];
        Assert.Equal(TestStatus.Fail, t.Status);
        Assert.Contains("Assert.Equal() Failure", t.Message);
    }

    [Fact]
    public async Task Compile_error_returns_diagnostics_without_running()
    {
        var (r, events) = await fx.RunAsync(RunLanguage.CSharp, new RunFile("Calculator.cs", "public static class Calculator\n{\n    public static int Add(int a, int b) => a + c;\n}\n"),
            new RunFile("CalculatorTests.cs", Tests, true));
        Verdicts.Expect(RunVerdict.CompileError, r);
        var d = r.Diagnostics.First(x => x.Severity == "error");
        Assert.Equal("CS0103", d.Code);
        Assert.Equal("Calculator.cs", d.File);
        Assert.Equal(3, d.Line);
        var compiled = Assert.Single(events.OfType<RunCompiled>());
        Assert.False(compiled.Success);
        Assert.DoesNotContain(events, e => e is RunStarted);
    }

    [Fact]
    public async Task Internal_solution_types_are_visible_to_the_tests_as_in_one_project()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.CSharp, new RunFile("Calculator.cs", Solution.Replace("public static class", "static class").Replace("public static int", "internal static int")),
            new RunFile("CalculatorTests.cs", Tests, true));
        Verdicts.Expect(RunVerdict.Passed, r);
    }

    [Theory]
    [InlineData("")]
    [InlineData("namespace Xunit { ")]
    public async Task A_solution_that_brings_its_own_Assert_is_a_compile_error(string wrapper)
    {
        // An Assert that passes everything, where the tests would find it before xunit's.
        var fake = wrapper + """
            public static class Assert
            {
                public static void Equal<T>(T expected, T actual) { }
                public static void Contains<T>(T expected, IEnumerable<T> collection) { }
                public static T Throws<T>(Action action) where T : Exception => null!;
            }
            """ + (wrapper.Length > 0 ? " }" : "");
        var (r, events) = await fx.RunAsync(RunLanguage.CSharp, new RunFile("Calculator.cs", Solution.Replace("a + b", "a - b") + "\n" + fake),
            new RunFile("CalculatorTests.cs", Tests, true));
        Verdicts.Expect(RunVerdict.CompileError, r);
        var d = r.Diagnostics[0];
        Assert.Equal(("Calculator.cs", "CS_SHADOW", "error"), (d.File, d.Code, d.Severity));
        Assert.Contains("'Assert'", d.Message);
        Assert.DoesNotContain(events, e => e is RunStarted);
    }

    [Fact]
    public async Task Deeply_nested_expression_is_refused_quickly()
    {
        var bomb = "public static class Calculator { public static int Add(int a, int b) => " + new string('(', 5000) + "a" + new string(')', 5000) + "; public static int Divide(int a, int b) => 0; }";
        var (r, _) = await fx.RunAsync(RunLanguage.CSharp, new RunFile("Calculator.cs", bomb), new RunFile("CalculatorTests.cs", Tests, true));
        Verdicts.Expect(RunVerdict.CompileError, r);
        Assert.Equal("CS_NESTING", Assert.Single(r.Diagnostics).Code);
    }

    [Fact]
    public async Task Deeply_nested_generics_are_refused_quickly()
    {
        var type = string.Concat(Enumerable.Repeat("System.Collections.Generic.List<", 3000)) + "int" + new string('>', 3000);
        var (r, _) = await fx.RunAsync(RunLanguage.CSharp, new RunFile("Calculator.cs", Solution + "\npublic class Bomb { public " + type + " X; }\n"),
            new RunFile("CalculatorTests.cs", Tests, true));
        Verdicts.Expect(RunVerdict.CompileError, r);
        Assert.Equal("CS_NESTING", Assert.Single(r.Diagnostics).Code);
    }

    [Fact]
    public async Task Infinite_loop_is_timeout()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.CSharp, new RunFile("Calculator.cs", Solution.Replace("=> a + b;", "{ while (true) { } }")), new RunFile("CalculatorTests.cs", Tests, true));
        Verdicts.Expect(RunVerdict.Timeout, r);
        Assert.Empty(await fx.RunContainersAsync());
    }

    [Fact]
    public async Task Environment_exit_zero_is_not_a_pass()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.CSharp, new RunFile("Calculator.cs", Solution.Replace("=> a + b;", "{ Environment.Exit(0); return 0; }")), new RunFile("CalculatorTests.cs", Tests, true));
        Verdicts.Expect(RunVerdict.RuntimeError, r);
    }

    [Fact]
    public async Task Thread_bomb_is_stopped_and_the_next_run_passes()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.CSharp,
            new RunFile("Calculator.cs", Solution.Replace("=> a + b;", "{ while (true) { new Thread(() => Thread.Sleep(-1)).Start(); } }")), new RunFile("CalculatorTests.cs", Tests, true));
        Assert.NotEqual(RunVerdict.Passed, r.Verdict);
        Assert.Empty(await fx.RunContainersAsync());
        var (next, _) = await fx.RunAsync(RunLanguage.CSharp, new RunFile("Calculator.cs", Solution), new RunFile("CalculatorTests.cs", Tests, true));
        Verdicts.Expect(RunVerdict.Passed, next);
    }

    [Fact]
    public async Task Sandbox_reveals_no_environment_network_or_host_files()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.CSharp, new RunFile("Calculator.cs", Solution), new RunFile("SandboxTests.cs", """
            using System.Net.Sockets;

            public class SandboxTests
            {
                [Fact]
                public void No_secrets_in_environment() =>
                    Assert.DoesNotContain(Environment.GetEnvironmentVariables().Keys.Cast<string>(), k => k.Contains("KEY") || k.Contains("TOKEN") || k.Contains("REDIS"));

                [Fact]
                public void No_network() => Assert.ThrowsAny<SocketException>(() => new TcpClient().Connect("1.1.1.1", 53));

                [Fact]
                public void Read_only_outside_work() => Assert.ThrowsAny<Exception>(() => File.WriteAllText("/etc/evil", "x"));

                [Fact]
                public void Supervisor_is_out_of_reach() => Assert.ThrowsAny<Exception>(() => File.ReadAllBytes("/proc/1/environ"));
            }
            """, true));
        Verdicts.Expect(RunVerdict.Passed, r);
    }

    [Fact]
    public async Task Memory_bomb_is_memory_limit()
    {
        var (r, _) = await fx.RunAsync(RunLanguage.CSharp,
            new RunFile("Calculator.cs", Solution.Replace("=> a + b;", "{ var l = new List<byte[]>(); while (true) l.Add(new byte[1 << 20]); }")), new RunFile("CalculatorTests.cs", Tests, true));
        Verdicts.Expect(RunVerdict.MemoryLimit, r);
    }
}
