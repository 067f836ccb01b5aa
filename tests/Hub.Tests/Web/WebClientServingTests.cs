using System.Net;
using LearningPlatform.Hub.Tests.EndToEnd;

namespace LearningPlatform.Hub.Tests.Web;

/// <summary>The Hub serves the client's files and falls back to index.html for page paths only.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class WebClientServingTests(EndToEndFixture fixture)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/signin")]
    [InlineData("/exercises/python-greet")]
    [InlineData("/watch/some-session")]
    public async Task Page_paths_get_index_html(string path)
    {
        using var response = await fixture.Platform.Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/dist/app.js", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/no-such-thing")]
    [InlineData("/hubs/nothing")]
    [InlineData("/openapi/none.json")]
    [InlineData("/jobs")]
    [InlineData("/dist/missing.js")]
    [InlineData("/favicon.ico")]
    public async Task Server_paths_and_missing_files_are_not_swallowed(string path)
    {
        using var response = await fixture.Platform.Client().GetAsync(path);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_bundle_is_served()
    {
        using var response = await fixture.Platform.Client().GetAsync("/dist/app.js");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
    }
}
