using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Contracts.Workbench;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// What the hub asks Services, always with the caller's own token so that Services applies its own rules: the
/// exercise a session starts from, a course's instructors (cached briefly), posting a run (its events the hub reads
/// from Redis: <see cref="RunRelay"/>).
/// Failures become <see cref="HubException"/>s that say what went wrong.
/// </summary>
public sealed class ServicesClient(IHttpClientFactory clients, IMemoryCache cache, IOptions<WorkbenchOptions> options, ILogger<ServicesClient> logger)
{
    public const string ClientName = "services";

    private sealed record FileDto(string Name, string Content);

    private sealed record ExerciseDto(string Id, string CourseId, string Language, List<FileDto>? StarterFiles, List<FileDto>? VisibleTests, string? Title);

    private sealed record CourseDto(string Id, List<string>? Instructors);

    private sealed record AcceptedDto(string RunId);

    public async Task<SessionSeed> GetExerciseAsync(string exerciseId, string token, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, $"/api/exercises/{Uri.EscapeDataString(exerciseId)}", token);
        using var response = await SendAsync(request, cancellationToken);
        await EnsureAsync(response, request, $"exercise '{exerciseId}'");
        var dto = await response.Content.ReadFromJsonAsync<ExerciseDto>(cancellationToken)
            ?? throw new HubException($"Services sent no exercise '{exerciseId}'.");
        return new SessionSeed(
            dto.Id, dto.CourseId, dto.Language,
            [.. (dto.StarterFiles ?? []).Select(f => new ReadOnlyFile(f.Name, f.Content))],
            [.. (dto.VisibleTests ?? []).Select(f => new ReadOnlyFile(f.Name, f.Content))],
            dto.Title ?? "");
    }

    /// <summary>The user ids of the course's instructors; cached for <see cref="WorkbenchOptions.CourseCacheDuration"/>.</summary>
    public async Task<IReadOnlyList<string>> GetInstructorsAsync(string courseId, string token, CancellationToken cancellationToken)
    {
        var key = "workbench:instructors:" + courseId;
        if (cache.TryGetValue(key, out IReadOnlyList<string>? cached) && cached is not null)
        {
            return cached;
        }

        using var request = Request(HttpMethod.Get, $"/api/courses/{Uri.EscapeDataString(courseId)}", token);
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        await EnsureAsync(response, request, $"course '{courseId}'");
        var course = await response.Content.ReadFromJsonAsync<CourseDto>(cancellationToken);
        IReadOnlyList<string> instructors = course?.Instructors ?? [];
        if (options.Value.CourseCacheDuration > TimeSpan.Zero)
        {
            cache.Set(key, instructors, options.Value.CourseCacheDuration);
        }

        return instructors;
    }

    /// <summary>Posts a run of the session's files; returns the run id.</summary>
    public async Task<string> PostRunAsync(string exerciseId, string mode, IEnumerable<WorkbenchFile> files, string token, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, "/api/runs", token);
        request.Content = JsonContent.Create(new { exerciseId, mode, files = files.Select(f => new { name = f.Name, content = f.Content }) });
        using var response = await SendAsync(request, cancellationToken);
        await EnsureAsync(response, request, "run");
        var accepted = await response.Content.ReadFromJsonAsync<AcceptedDto>(cancellationToken);
        return accepted?.RunId ?? throw new HubException("Services accepted the run but sent no run id.");
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException)
        {
            throw new HubException("The platform's services do not answer; try again shortly.");
        }
    }

    private async Task EnsureAsync(HttpResponseMessage response, HttpRequestMessage request, string what)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        // A rate limit is an expected refusal the learner is told about, not a fault worth a warning.
        if (response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            WorkbenchLog.ServicesError(logger, (int)response.StatusCode, request.Method.Method, request.RequestUri!.ToString());
        }

        var detail = await ProblemDetailAsync(response);
        throw response.StatusCode switch
        {
            HttpStatusCode.NotFound => new HubException($"There is no {what}."),
            HttpStatusCode.Unauthorized => new HubException("Your sign-in is no longer valid; reconnect with a fresh token."),
            HttpStatusCode.Forbidden => new HubException($"You may not use the {what}."),
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => new HubException($"The {what} was refused: {detail}"),
            HttpStatusCode.TooManyRequests => new HubException(detail.Length > 0 ? detail : "Too many requests; wait a moment."),
            _ => new HubException($"The platform's services failed ({(int)response.StatusCode}) on the {what}."),
        };
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                return string.Join(" ", errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(m => $"{e.Name}: {m.GetString()}")));
            }

            return problem.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return "";
        }
    }
}
