using LearningPlatform.Services.Features.Imports.Exercism;

namespace LearningPlatform.Services.Tests.Features.Imports;

/// <summary>Tracks skip every test but the first; the import removes the skips as Exercism's test runners do.</summary>
public sealed class SkipMarkersTests
{
    [Theory]
    [InlineData("xtest('b', () => {});", "test('b', () => {});")]
    [InlineData("  xit ('b', async () => {});", "  it('b', async () => {});")]
    [InlineData("xdescribe('group', () => {});", "describe('group', () => {});")]
    [InlineData("test.skip('b', () => {});", "test('b', () => {});")]
    [InlineData("describe.skip('g', () => {});", "describe('g', () => {});")]
    [InlineData("import { xtest } from '@jest/globals';", "import { xtest } from '@jest/globals';")]
    [InlineData("const maxtest = 1; fixtest(2);", "const maxtest = 1; fixtest(2);")]
    public void JavaScript(string test, string expected) => Assert.Equal(expected, SkipMarkers.Remove("javascript", test));

    [Theory]
    [InlineData("    @pytest.mark.skip\n    def test_b(self):\n", "    def test_b(self):\n")]
    [InlineData("@pytest.mark.skip(reason=\"later\")\ndef test_b():\n", "def test_b():\n")]
    [InlineData("@unittest.skip(\"later\")\ndef test_b():\n", "def test_b():\n")]
    [InlineData("@pytest.mark.skipif(sys.platform == 'win32', reason='posix')\ndef test_b():\n", "@pytest.mark.skipif(sys.platform == 'win32', reason='posix')\ndef test_b():\n")]
    public void Python(string test, string expected) => Assert.Equal(expected, SkipMarkers.Remove("python", test));

    [Theory]
    [InlineData("[Fact(Skip = \"Remove this Skip property to run this test\")]", "[Fact]")]
    [InlineData("[Theory(Skip=\"later\")]", "[Theory]")]
    [InlineData("[Fact(DisplayName = \"x\", Skip = \"later\")]", "[Fact(DisplayName = \"x\")]")]
    [InlineData("[Fact(Skip = \"later\", DisplayName = \"x\")]", "[Fact(DisplayName = \"x\")]")]
    [InlineData("[Fact]\npublic void Skip_is_a_name() => Assert.True(true);", "[Fact]\npublic void Skip_is_a_name() => Assert.True(true);")]
    public void CSharp(string test, string expected) => Assert.Equal(expected, SkipMarkers.Remove("csharp", test));

    [Fact]
    public void Hints_are_one_per_section_or_one_per_bullet_and_at_most_the_limit()
    {
        Assert.Equal(["**General**\n\n- One.\n- Two.", "**Edge cases**\n\n- Three."],
            ExercismTrack.Hints("# Hints\n\n## General\n\n- One.\n- Two.\n\n## Edge cases\n\n- Three.\n", 10, 2000));
        Assert.Equal(["One.", "Two\n  continued."], ExercismTrack.Hints("# Hints\n\n- One.\n- Two\n  continued.\n", 10, 2000));
        Assert.Equal(["a", "b\n\nc"], ExercismTrack.Hints("- a\n- b\n- c\n", 2, 2000));
        Assert.Empty(ExercismTrack.Hints(null, 10, 2000));
    }
}
