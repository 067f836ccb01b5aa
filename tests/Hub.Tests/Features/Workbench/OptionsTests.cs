namespace LearningPlatform.Hub.Tests.Features.Workbench;

/// <summary>Workbench limits are validated at start: a wrong setting stops the host with a message naming it.</summary>
[Collection(WorkbenchCollection.Name)]
public sealed class OptionsTests(WorkbenchFixture fixture)
{
    [Theory]
    [InlineData("Workbench:EditsPerSecond", "0", "EditsPerSecond")]
    [InlineData("Workbench:MaxFileChars", "-5", "MaxFileChars")]
    [InlineData("Workbench:MaxMessageBytes", "8192", "MaxMessageBytes")]
    [InlineData("Workbench:MaxConcurrentRunsPerUser", "0", "MaxConcurrentRunsPerUser")]
    public void A_wrong_limit_stops_the_start(string key, string value, string named)
    {
        var e = Assert.ThrowsAny<Exception>(() => fixture.Platform.NewHub(new() { [key] = value }).Dispose());

        Assert.Contains(named, e.ToString());
    }
}
