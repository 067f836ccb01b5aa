using System.Text;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.RunnerHost.Languages.CSharp;
using Microsoft.Extensions.Options;

namespace LearningPlatform.RunnerHost.Tests.Languages;

public sealed class CSharpCompilerTests
{
    private static CSharpCompiler Create(int timeoutMs = 10_000) => new(Options.Create(new CSharpOptions { CompileTimeoutMs = timeoutMs }));

    [Fact]
    public async Task Compilation_over_the_time_limit_is_a_compile_error()
    {
        // Big enough that Roslyn cannot bind and emit it within the (minimum) 100 ms limit.
        var source = new StringBuilder("public static class Big {\n");
        for (var i = 0; i < 4000; i++)
        {
            source.Append("    public static int M").Append(i).Append("(int x) { var y = x * ").Append(i).Append("; return System.Linq.Enumerable.Range(0, y).Where(v => v % 3 == 0).Select(v => v + 1).Sum(); }\n");
        }
        source.Append('}');

        var output = await Create(timeoutMs: 100).CompileAsync([new RunFile("Big.cs", source.ToString())], CancellationToken.None);

        Assert.Null(output.Assembly);
        Assert.Equal("CS_TIMEOUT", Assert.Single(output.Diagnostics).Code);
    }

    [Fact]
    public async Task Tests_are_compiled_against_xunit_with_implicit_usings_and_listed()
    {
        var output = await Create().CompileAsync(
        [
            new RunFile("A.cs", "public class ATests { [Fact] public void One() => Assert.True(new List<int>().Count == 0); [Theory, InlineData(1)] public void Two(int x) => Assert.Equal(1, x); }", true),
        ], CancellationToken.None);

        Assert.NotNull(output.Assembly);
        Assert.Equal(["ATests.One", "ATests.Two"], output.TestKeys);
    }

    [Fact]
    public async Task No_analyzers_or_generators_run_and_unsafe_code_is_refused()
    {
        var output = await Create().CompileAsync([new RunFile("U.cs", "public class U { public unsafe void P() { int x = 1; int* p = &x; } }")], CancellationToken.None);
        Assert.Null(output.Assembly);
        Assert.Contains(output.Diagnostics, d => d.Code == "CS0227");
    }
}
