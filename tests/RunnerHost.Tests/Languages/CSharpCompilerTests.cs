using System.Collections.Immutable;
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

        Assert.Null(output.Solution);
        Assert.Equal("CS_TIMEOUT", Assert.Single(output.Diagnostics).Code);
    }

    [Fact]
    public async Task Tests_are_compiled_against_xunit_with_implicit_usings_and_listed()
    {
        var output = await Create().CompileAsync(
        [
            new RunFile("A.cs", "public class ATests { [Fact] public void One() => Assert.True(new List<int>().Count == 0); [Theory, InlineData(1)] public void Two(int x) => Assert.Equal(1, x); }", true),
        ], CancellationToken.None);

        Assert.NotNull(output.Solution);
        Assert.NotNull(output.Tests);
        Assert.Equal(["ATests.One", "ATests.Two"], output.TestKeys);
    }

    [Fact]
    public async Task Solution_and_tests_are_two_assemblies_and_the_tests_see_the_solutions_internals()
    {
        var output = await Create().CompileAsync(
        [
            new RunFile("Calc.cs", "class Calc { internal static int Add(int a, int b) => a + b; }"),
            new RunFile("CalcTests.cs", "public class CalcTests { [Fact] public void Adds() => Assert.Equal(3, Calc.Add(1, 2)); }", true),
        ], CancellationToken.None);

        Assert.True(output.Success, string.Join("\n", output.Diagnostics));
        Assert.Equal("Solution", AssemblyName(output.Solution!));
        Assert.Equal("Tests", AssemblyName(output.Tests!));
        Assert.DoesNotContain("xunit", References(output.Solution!), StringComparer.OrdinalIgnoreCase);
        Assert.Contains("Solution", References(output.Tests!));
        Assert.Equal(["CalcTests.Adds"], output.TestKeys);
    }

    [Fact]
    public async Task Tests_in_the_solution_files_are_neither_compiled_against_xunit_nor_expected()
    {
        var output = await Create().CompileAsync(
        [
            new RunFile("Calc.cs", "public class Calc { [Fact] public void Sneaky() { } }"),
            new RunFile("CalcTests.cs", "public class CalcTests { [Fact] public void Real() { } }", true),
        ], CancellationToken.None);

        Assert.False(output.Success);
        Assert.Contains(output.Diagnostics, d => d.File == "Calc.cs" && d.Code == "CS0246");
        Assert.Equal(["CalcTests.Real"], output.TestKeys);
    }

    [Fact]
    public async Task A_check_only_run_compiles_the_solution_alone()
    {
        var output = await Create().CompileAsync([new RunFile("Calc.cs", "public static class Calc { public static int Add(int a, int b) => a + b; }")], CancellationToken.None);

        Assert.True(output.Success);
        Assert.Null(output.Tests);
        Assert.Empty(output.TestKeys);
    }

    [Fact]
    public async Task A_solution_with_top_level_statements_is_a_program()
    {
        var output = await Create().CompileAsync([new RunFile("Program.cs", "var line = Console.ReadLine();\nConsole.WriteLine(line);\n")], CancellationToken.None);

        Assert.True(output.Success, string.Join("\n", output.Diagnostics));
    }

    [Fact]
    public async Task Errors_the_solution_causes_in_the_tests_are_compile_errors_of_the_test_file()
    {
        var output = await Create().CompileAsync(
        [
            new RunFile("Calc.cs", "public static class Calc { public static int Add(int a, int b) => a + b; }"),
            new RunFile("CalcTests.cs", "public class CalcTests\n{\n    [Fact] public void Subtracts() => Assert.Equal(1, Calc.Subtract(2, 1));\n}\n", true),
        ], CancellationToken.None);

        Assert.False(output.Success);
        var d = Assert.Single(output.Diagnostics, d => d.Severity == "error");
        Assert.Equal(("CalcTests.cs", 3, "CS0117"), (d.File, d.Line, d.Code));
    }

    [Fact]
    public async Task An_error_in_the_solution_is_reported_with_what_the_tests_say_about_it()
    {
        var output = await Create().CompileAsync(
        [
            new RunFile("Calc.cs", "public static class Calc\n{\n    public static int Add(int a, int b) => a + c;\n}\n"),
            new RunFile("CalcTests.cs", "public class CalcTests\n{\n    [Fact] public void Subtracts() => Assert.Equal(1, Calc.Subtract(2, 1));\n}\n", true),
        ], CancellationToken.None);

        Assert.False(output.Success);
        Assert.Contains(output.Diagnostics, d => (d.File, d.Line, d.Code) == ("Calc.cs", 3, "CS0103"));
        Assert.Contains(output.Diagnostics, d => (d.File, d.Line, d.Code) == ("CalcTests.cs", 3, "CS0117"));
    }

    private const string AssertTests = """
        namespace Bank;

        public class AccountTests
        {
            [Fact] public void Deposits() => Assert.Equal(15, new Account(10).Deposit(5));
            [Fact] public void Throws() => Assert.Null(Record.Exception(() => new Account(1)));
        }
        """;

    private const string Account = """
        namespace Bank;

        public class Account(int balance)
        {
            public int Deposit(int amount) => balance + amount;
        }
        """;

    [Theory]
    [InlineData("public static class Assert { public static void Equal(int a, int b) { } public static void Null(object? o) { } }", "Assert", "Xunit.Assert")]
    [InlineData("public static class Assert { }", "Assert", "Xunit.Assert")]
    [InlineData("namespace Bank; internal static class Record { public static Exception? Exception(Action a) => null; }", "Record", "Xunit.Record")]
    [InlineData("namespace Bank; public class FactAttribute : Attribute { }", "FactAttribute", "Xunit.FactAttribute")]
    [InlineData("namespace Other; public static class Assert { public static void Equal(int a, int b) { } }", null, null)]
    public async Task A_solution_type_that_the_tests_would_bind_instead_of_xunits_is_refused(string extra, string? type, string? framework)
    {
        // Global types and types of the tests' own namespace are looked up before the tests' usings.
        var output = await Create().CompileAsync(
        [
            new RunFile("Account.cs", Account),
            new RunFile("Extra.cs", extra),
            new RunFile("AccountTests.cs", AssertTests, true),
        ], CancellationToken.None);

        if (type is null)
        {
            Assert.True(output.Success, string.Join("\n", output.Diagnostics));
            return;
        }
        Assert.False(output.Success);
        var d = output.Diagnostics[0];
        Assert.Equal(("Extra.cs", 1, "CS_SHADOW"), (d.File, d.Line, d.Code));
        Assert.Contains($"'{type}'", d.Message);
        Assert.Contains($"'{framework}'", d.Message);
    }

    [Theory]
    [InlineData("namespace Xunit { public static class Assert { public static void Equal(int a, int b) { } } }", "namespace 'Xunit'")]
    [InlineData("namespace System.Linq { public static class Mine { } }", "namespace 'System.Linq'")]
    [InlineData("namespace Microsoft.Extensions { public class Mine { } }", "namespace 'Microsoft.Extensions'")]
    [InlineData("public class Xunit { }", "namespace 'Xunit'")]
    public async Task A_solution_type_in_a_framework_namespace_is_refused(string source, string expected)
    {
        var output = await Create().CompileAsync(
        [
            new RunFile("Sneaky.cs", source),
            new RunFile("T.cs", "public class T { [Fact] public void A() => Assert.Equal(1, 1); }", true),
        ], CancellationToken.None);

        Assert.False(output.Success);
        var d = output.Diagnostics[0];
        Assert.Equal(("Sneaky.cs", "CS_SHADOW"), (d.File, d.Code));
        Assert.Contains(expected, d.Message);
    }

    [Fact]
    public async Task A_member_a_test_class_inherits_from_the_solution_cannot_stand_in_for_Assert()
    {
        var output = await Create().CompileAsync(
        [
            new RunFile("Base.cs", "public class Fake { public void Equal(int a, int b) { } }\npublic class Base\n{\n    protected static Fake Assert => new();\n}\n"),
            new RunFile("T.cs", "public class T : Base { [Fact] public void A() => Assert.Equal(1, 2); }", true),
        ], CancellationToken.None);

        Assert.False(output.Success);
        var d = Assert.Single(output.Diagnostics, d => d.Severity == "error");
        Assert.Equal(("Base.cs", 4, "CS_SHADOW"), (d.File, d.Line, d.Code));
    }

    [Fact]
    public async Task A_solution_type_named_like_an_xunit_type_that_the_tests_do_not_use_is_fine()
    {
        var output = await Create().CompileAsync(
        [
            new RunFile("Record.cs", "public record Record(int Id);\npublic static class Assert { }"),
            new RunFile("T.cs", "public class T { [Fact] public void A() => Xunit.Assert.Equal(1, new global::Record(1).Id); }", true),
        ], CancellationToken.None);

        Assert.True(output.Success, string.Join("\n", output.Diagnostics));
    }

    [Fact]
    public void The_xunit_names_come_from_the_xunit_assemblies()
    {
        Assert.Equal("Xunit.Assert", CSharpCompiler.XunitTypeNames["Assert"]);
        Assert.Equal("Xunit.FactAttribute", CSharpCompiler.XunitTypeNames["Fact"]);
        Assert.Equal("Xunit.InlineDataAttribute", CSharpCompiler.XunitTypeNames["InlineData"]);
        Assert.Equal("Xunit.Abstractions.ITestOutputHelper", CSharpCompiler.XunitTypeNames["ITestOutputHelper"]);
        Assert.True(CSharpCompiler.XunitTypeNames.ContainsKey("TheoryData"));
    }

    private static string AssemblyName(byte[] image)
    {
        using var pe = new System.Reflection.PortableExecutable.PEReader(image.ToImmutableArray());
        var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return reader.GetString(reader.GetAssemblyDefinition().Name);
    }

    private static List<string> References(byte[] image)
    {
        using var pe = new System.Reflection.PortableExecutable.PEReader(image.ToImmutableArray());
        var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();
    }

    [Fact]
    public async Task No_analyzers_or_generators_run_and_unsafe_code_is_refused()
    {
        var output = await Create().CompileAsync([new RunFile("U.cs", "public class U { public unsafe void P() { int x = 1; int* p = &x; } }")], CancellationToken.None);
        Assert.Null(output.Solution);
        Assert.Contains(output.Diagnostics, d => d.Code == "CS0227");
    }
}
