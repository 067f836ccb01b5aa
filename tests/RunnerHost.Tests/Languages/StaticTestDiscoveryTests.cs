using LearningPlatform.RunnerHost.Languages.CSharp;
using LearningPlatform.RunnerHost.Languages.Python;

namespace LearningPlatform.RunnerHost.Tests.Languages;

public sealed class StaticTestDiscoveryTests
{
    [Fact]
    public void Python_static_tests_are_top_level_functions_and_test_class_methods()
    {
        var source = """
            import unittest

            def test_a():
                def test_nested():
                    pass

            class TestB:
                def test_b(self):
                    pass

            class Helper:
                def test_not_collected(self):
                    pass

            class C(unittest.TestCase):
                def test_c(self):
                    pass

            async def test_d():
                pass
            """;
        Assert.Equal(["test_a", "test_b", "test_c", "test_d"], PythonRuntime.StaticTests(source));
    }

    [Theory]
    [InlineData("test_x", "test_x")]
    [InlineData("test_x[1-2]", "test_x")]
    [InlineData("TestA::test_x[a::b]", "test_x")]
    public void Python_key_of_a_reported_name(string reported, string key) => Assert.Equal(key, PythonRuntime.KeyOf(reported));

    [Fact]
    public void Nesting_guard_counts_brackets_and_generics_but_not_strings_or_comments()
    {
        Assert.Equal(3, CSharpCompiler.MaxNesting("f((g(1)));").Depth);
        Assert.Equal(1, CSharpCompiler.MaxNesting("var s = \"((((((\"; // ((((((\n f(1);").Depth);
        Assert.Equal(2, CSharpCompiler.MaxNesting("List<List<int>> x;").Depth);
        Assert.True(CSharpCompiler.MaxNesting("if (a < b) {} if (c < d) {} if (e < f) {}").Depth <= 2);
    }
}
