using System.Diagnostics;
using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.RunnerHost.Languages.CSharp;
using LearningPlatform.RunnerHost.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace LearningPlatform.RunnerHost.Tests.Languages;

/// The C# check worker (sandbox harness with --checks, docs/hidden-checks-protocol.md), run on the host: the
/// harness is copied out of this checkout's pinned sandbox image (same .NET runtime as the host, see build.sh) and
/// started with its work dir in a temp dir and fd 3 on its stdout.
[Collection(DockerCollection.Name)]
public sealed class CSharpCheckWorkerTests(RunnerFixture fx, ITestOutputHelper log)
{
    private const string Solution = """
        namespace Bank;

        public static class Calc
        {
            public static int Add(int a, int b) => a + b;
            public static double Add(double a, double b) => a + b + 0.5;
            public static string Greet(string name) => "Hello, " + name.Trim() + "!";
            public static List<int> Evens(int[] xs) => xs.Where(x => x % 2 == 0).ToList();
            public static string Join(IReadOnlyList<string> words, char separator) => string.Join(separator, words);
            public static async Task<int> DoubleLaterAsync(int x)
            {
                await Task.Delay(1);
                return 2 * x;
            }
            public static async Task NothingAsync() => await Task.Yield();
            public static double Ratio(double a, double b) => a / b;
            public static int At(int[] xs, int i) => new List<int>(xs)[i];
            public static void Check(int age)
            {
                if (age < 0)
                {
                    throw new InsufficientAgeException("negative");
                }
            }
            public static Point Mirror(Point p) => new(p.Y, p.X);
            public static Dictionary<string, int> Counts(string text) => text.GroupBy(c => c).ToDictionary(g => g.Key.ToString(), g => g.Count());
            public static (int Min, int Max) Range(int[] xs) => (xs.Min(), xs.Max());
            public static Func<int> Lambda() => () => 1;
            public static IEnumerable<int> Forever()
            {
                while (true)
                {
                    yield return 1;
                }
            }
        }

        public record Point(int X, int Y);

        public class InsufficientAgeException(string message) : ArgumentException(message);

        class Account(int balance)
        {
            public void Deposit(int amount)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(amount);
                balance += amount;
            }

            public int Balance => balance;

            public bool Withdraw(int amount)
            {
                if (amount > balance)
                {
                    return false;
                }
                balance -= amount;
                return true;
            }
        }

        static class Program
        {
            private static int _runs;

            static void Main()
            {
                _runs++;
                var parts = Console.ReadLine()!.Split(' ').Select(int.Parse);
                Console.WriteLine(parts.Sum());
                Console.WriteLine("runs " + _runs);
            }
        }
        """;

    [Fact]
    public async Task Static_calls_convert_arguments_await_tasks_and_write_canonical_values()
    {
        var run = await RunAsync(Solution, """
            [
              {"index":0,"call":"Calc.Add","args":[1,2]},
              {"index":1,"call":"Bank.Calc.Add","args":[1.5,2]},
              {"index":2,"call":"Calc.Greet","args":["  Ada "]},
              {"index":3,"call":"Calc.Evens","args":[[1,2,3,4,6]]},
              {"index":4,"call":"Calc.Join","args":[["a","b"],"-"]},
              {"index":5,"call":"Calc.DoubleLaterAsync","args":[21]},
              {"index":6,"call":"Calc.NothingAsync","args":[]},
              {"index":7,"call":"Calc.Ratio","args":[0,0]},
              {"index":8,"call":"Calc.Ratio","args":[{"$float":"-inf"},2]},
              {"index":9,"call":"Calc.Ratio","args":[1,4]},
              {"index":10,"call":"Calc.Mirror","args":[{"x":1,"y":2}]},
              {"index":11,"call":"Calc.Counts","args":["abca"]},
              {"index":12,"call":"Calc.Range","args":[[3,1,2]]}
            ]
            """);

        Assert.Equal(["3", "4", "\"Hello, Ada!\"", "[2,4,6]", "\"a-b\"", "42", "null", """{"$float":"nan"}""", """{"$float":"-inf"}""", "0.25",
            """{"X":2,"Y":1}""", """{"a":2,"b":1,"c":1}""", "[1,3]"], run.Values());
    }

    [Fact]
    public async Task Exceptions_give_the_type_and_its_base_types_and_each_check_stands_alone()
    {
        var run = await RunAsync(Solution, """
            [
              {"index":0,"call":"Calc.At","args":[[1,2],5]},
              {"index":1,"call":"Calc.Check","args":[-1]},
              {"index":2,"call":"Calc.Add","args":[2,3]},
              {"index":3,"call":"Calc.Missing","args":[]},
              {"index":4,"call":"Nowhere.Add","args":[1,2]},
              {"index":5,"call":"Calc.Add","args":["one","two"]},
              {"index":6,"call":"Calc.Lambda","args":[]},
              {"index":7,"call":"Calc.Forever","args":[]}
            ]
            """);

        var errors = run.Results.Select(r => r.TryGetProperty("error", out var e) ? e : (JsonElement?)null).ToList();
        Assert.Equal(["ArgumentOutOfRangeException", "ArgumentException", "SystemException", "Exception"], Types(errors[0]));
        Assert.Equal(["InsufficientAgeException", "ArgumentException", "SystemException", "Exception"], Types(errors[1]));
        Assert.Equal("negative", errors[1]!.Value.GetProperty("message").GetString());
        Assert.Equal(5, run.Results[2].GetProperty("value").GetInt32());
        Assert.Equal("MissingMethodException", errors[3]!.Value.GetProperty("type").GetString());
        Assert.Equal("TypeLoadException", errors[4]!.Value.GetProperty("type").GetString());
        Assert.Equal("ArgumentException", errors[5]!.Value.GetProperty("type").GetString());
        Assert.Equal(["$unserializable"], Types(errors[6]));
        Assert.Equal(["$unserializable"], Types(errors[7]));
    }

    [Fact]
    public async Task An_object_is_constructed_then_its_steps_run_in_order()
    {
        var run = await RunAsync(Solution, """
            [
              {"index":0,"call":"Account","args":[10],"steps":[{"method":"Deposit","args":[5]},{"method":"Withdraw","args":[20]},{"method":"Withdraw","args":[15]},{"method":"Balance","args":[]}]},
              {"index":1,"call":"Bank.Account","args":[10],"steps":[{"method":"Deposit","args":[-1]},{"method":"Balance","args":[]}]}
            ]
            """);

        Assert.Equal("[null,false,true,0]", run.Values()[0]);
        Assert.Equal("ArgumentOutOfRangeException", run.Results[1].GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Main_reads_the_checks_stdin_and_its_output_is_the_value_with_fresh_static_state()
    {
        var run = await RunAsync(Solution, """
            [
              {"index":0,"call":"main","stdin":"3 4\n"},
              {"index":1,"call":"Program.Main","stdin":"1 2 3\n"}
            ]
            """);

        Assert.Equal(["\"7\\nruns 1\\n\"", "\"6\\nruns 1\\n\""], run.Values());
    }

    [Fact]
    public async Task A_program_with_top_level_statements_runs_as_Main()
    {
        var run = await RunAsync("var n = int.Parse(Console.ReadLine()!);\nfor (var i = 1; i <= n; i++) Console.Write(i);\n",
            """[{"index":0,"call":"main","stdin":"3\n"}]""");

        Assert.Equal(["\"123\""], run.Values());
    }

    [Fact]
    public async Task The_worker_is_ready_before_the_calls_loads_only_the_solution_and_reports_with_the_nonce()
    {
        var run = await RunAsync(Solution, """[{"index":0,"call":"Calc.Add","args":[1,1]}]""", extraFile: "Tests.dll");

        Assert.Equal(["check_started", "check_result", "checks_done"], run.Reports.Select(r => r.GetProperty("type").GetString()));
        Assert.Equal(0, run.ExitCode);
        Assert.False(File.Exists(Path.Combine(run.WorkDir, "Solution.dll")));
        Assert.True(File.Exists(Path.Combine(run.WorkDir, "Tests.dll")));
        log.WriteLine($"check worker: process start to ready {run.ReadyMs} ms");
        Assert.True(run.ReadyMs < 10_000, $"ready after {run.ReadyMs} ms");
    }

    private static List<string?> Types(JsonElement? error) =>
        error!.Value.GetProperty("types").EnumerateArray().Select(t => t.GetString()).ToList();

    private sealed record Run(List<JsonElement> Reports, long ReadyMs, int ExitCode, string WorkDir)
    {
        public List<JsonElement> Results => Reports.Where(r => r.GetProperty("type").GetString() == "check_result").ToList();

        public List<string> Values() => Results.Select(r => r.TryGetProperty("value", out var v) ? v.GetRawText() : "error: " + r.GetProperty("error")).ToList();
    }

    private async Task<Run> RunAsync(string solution, string checks, string? extraFile = null)
    {
        var compiled = await new CSharpCompiler(Options.Create(new CSharpOptions())).CompileAsync([new RunFile("Solution.cs", solution)], CancellationToken.None);
        Assert.True(compiled.Success, string.Join("\n", compiled.Diagnostics));
        var harness = await HarnessAsync(fx.Services.GetRequiredService<SandboxFactory>().ImageFor(RunLanguage.CSharp));
        var work = Directory.CreateTempSubdirectory("checks-").FullName;
        await File.WriteAllBytesAsync(Path.Combine(work, "Solution.dll"), compiled.Solution!);
        if (extraFile is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(work, extraFile), "not an assembly");
        }

        var start = new ProcessStartInfo("/bin/bash", ["-c", "exec dotnet \"$0\" --checks 3>&1 1>/dev/null", Path.Combine(harness, "harness.dll")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = work,
        };
        start.Environment["SANDBOX_WORK"] = work;
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            Assert.Equal("""{"type":"ready"}""", await process.StandardOutput.ReadLineAsync(cts.Token));
            var readyMs = sw.ElapsedMilliseconds;
            var nonce = Guid.NewGuid().ToString("N");
            await process.StandardInput.WriteLineAsync($$"""{"nonce":"{{nonce}}","files":["Solution.dll"],"timeoutMs":5000,"checks":{{checks.ReplaceLineEndings("")}}}""");
            await process.StandardInput.FlushAsync(cts.Token);
            var reports = new List<JsonElement>();
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                Assert.StartsWith(nonce + " ", line);
                reports.Add(JsonDocument.Parse(line[(nonce.Length + 1)..]).RootElement.Clone());
            }
            await process.WaitForExitAsync(cts.Token);
            log.WriteLine(await stderr);
            var results = reports.Where(r => r.GetProperty("type").GetString() == "check_result").ToList();
            var started = reports.Where(r => r.GetProperty("type").GetString() == "check_started").ToList();
            Assert.Equal(started.Select(r => r.GetProperty("index").GetInt32()), results.Select(r => r.GetProperty("index").GetInt32()));
            Assert.Equal("checks_done", reports[^1].GetProperty("type").GetString());
            return new Run(reports, readyMs, process.ExitCode, work);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private static readonly SemaphoreSlim HarnessGate = new(1);
    private static string? _harness;

    /// /opt/sandbox/harness of the image, copied out once per test run.
    private static async Task<string> HarnessAsync(string image)
    {
        await HarnessGate.WaitAsync();
        try
        {
            if (_harness is not null)
            {
                return _harness;
            }
            var dir = Directory.CreateTempSubdirectory("harness-").FullName;
            var id = (await Docker("create", image)).Trim();
            try
            {
                await Docker("cp", id + ":/opt/sandbox/harness/.", dir);
            }
            finally
            {
                await Docker("rm", id);
            }
            return _harness = dir;
        }
        finally
        {
            HarnessGate.Release();
        }
    }

    private static async Task<string> Docker(params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo("docker", args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"docker {string.Join(' ', args)}: {error}");
        return output;
    }
}
