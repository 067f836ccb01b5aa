using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Services.Tests;

namespace LearningPlatform.Hub.Tests.EndToEnd;

/// <summary>
/// Every seeded exercise, through the public REST API and the real runner: the reference solution passes every
/// visible test and hidden check, graded; the starter code does not.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SeededExercisesTests(EndToEndFixture fixture)
{
    public static TheoryData<string> Exercises => new()
    {
        "python-greet", "python-count-vowels", "python-flatten",
        "javascript-max-of", "javascript-capitalize-words", "javascript-fibonacci",
        "csharp-fizzbuzz", "csharp-sum-of-evens", "csharp-factorial",
    };

    [Theory]
    [MemberData(nameof(Exercises))]
    public async Task Reference_solution_passes_every_test_and_the_starter_does_not(string exerciseId)
    {
        using var admin = fixture.Platform.Client(await AdminTokenAsync());
        var exercise = await admin.GetFromJsonAsync<JsonElement>($"/api/exercises/{exerciseId}/full");
        var solution = exercise.GetProperty("solution").EnumerateArray()
            .Select(f => new { name = f.GetProperty("name").GetString(), content = f.GetProperty("content").GetString() }).ToArray();
        var checkCount = exercise.GetProperty("hiddenChecks").GetArrayLength();

        var passed = await SubmitAsync(admin, new { exerciseId, mode = "submit", files = solution });
        var starter = await SubmitAsync(admin, new { exerciseId, mode = "submit" });

        var result = passed.GetProperty("result");
        Assert.True(result.GetProperty("verdict").GetString() == "passed", result.ToString());
        Assert.All(result.GetProperty("tests").EnumerateArray(), t => Assert.Equal("pass", t.GetProperty("status").GetString()));
        Assert.True(result.GetProperty("graded").GetBoolean());
        Assert.True(checkCount > 0);
        Assert.Equal(checkCount, result.GetProperty("checks").GetArrayLength());
        Assert.All(result.GetProperty("checks").EnumerateArray(), c => Assert.Equal("pass", c.GetProperty("status").GetString()));
        Assert.NotEqual("passed", starter.GetProperty("result").GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task A_run_streams_its_events_as_server_sent_events_test_by_test()
    {
        using var admin = fixture.Platform.Client(await AdminTokenAsync());
        using var accepted = await admin.PostAsJsonAsync("/api/runs", new { exerciseId = "python-greet", mode = "submit" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var runId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString();

        var body = await admin.GetStringAsync($"/api/runs/{runId}/events");

        var types = body.Split('\n').Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).Select(l => l["event: ".Length..]).ToList();
        Assert.Equal("accepted", types[0]);
        Assert.Equal("finished", types[^1]);
        Assert.Equal(2, types.Count(t => t == "test_finished"));
        Assert.Equal(4, types.Count(t => t == "check_finished"));
    }

    private static async Task<JsonElement> SubmitAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/runs?wait=true", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<string> AdminTokenAsync()
    {
        using var response = await fixture.Platform.Client().PostAsJsonAsync("/api/auth/login",
            new { email = ServicesFixture.AdminEmail, password = ServicesFixture.AdminPassword });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }
}
