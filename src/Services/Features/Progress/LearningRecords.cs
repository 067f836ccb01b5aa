using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using LearningPlatform.Contracts.Events;
using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.ServiceDefaults.Redis;
using LearningPlatform.Services.Features.Recommendations;
using LearningPlatform.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.Services.Features.Progress;

/// <summary>Statements waiting for (or sent to) the LRS; one batch per counted submission (id = run id).</summary>
public sealed class StatementBatch : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public string StatementsJson { get; set; } = "[]";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}

public sealed class LearningRecordStore(IDocumentStoreFactory stores)
{
    public IDocumentCollection<StatementBatch> Batches { get; } = stores.Open(ProgressStore.Database).Collection<StatementBatch>("xapi_outbox");
}

public static class LearningRecordsFeature
{
    public const string HttpClientName = "xapi";

    /// <summary>Register after Recommendations: the handler reads the mastery that submission has just moved.</summary>
    public static IHostApplicationBuilder AddLearningRecords(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<XapiOptions>(XapiOptions.SectionName);
        builder.Services.AddSingleton<LearningRecordStore>();
        builder.Services.AddScoped<XapiJobs>();
        builder.Services.AddHttpClient(HttpClientName);
        if (builder.Configuration.GetValue<bool>(XapiOptions.SectionName + ":" + nameof(XapiOptions.Enabled)))
        {
            builder.Services.AddEventHandler<ProgressUpdated, RecordLearning>();
        }

        return builder;
    }
}

/// <summary>
/// Turns a progress change into xAPI statements (attempted; passed or failed; completed on the first pass;
/// mastered for a concept crossing the mastery threshold), stores them in an outbox and enqueues their sending.
/// Statement ids derive from the run id, so a repeat is the same statement to the LRS.
/// </summary>
public sealed class RecordLearning(
    LearningRecordStore store,
    IMasteryReader mastery,
    IConnectionMultiplexer redis,
    RedisKeys keys,
    IBackgroundJobClient jobs,
    IOptions<XapiOptions> options,
    IOptions<RecommendationsOptions> recommendations,
    TimeProvider time) : IIntegrationEventHandler<ProgressUpdated>
{
    public async Task HandleAsync(EventEnvelope<ProgressUpdated> envelope, CancellationToken cancellationToken)
    {
        var e = envelope.Payload;
        var existing = await store.Batches.GetAsync(e.RunId, cancellationToken);
        if (existing is null)
        {
            var statements = new JsonArray();
            var o = options.Value;
            statements.Add(Statement(o, e, "attempted", exercise: true));
            statements.Add(Statement(o, e, e.Passed ? "passed" : "failed", exercise: true));
            if (e.Passed && e.Completed && e.Attempts > 0)
            {
                statements.Add(Statement(o, e, "completed", exercise: true));
            }

            var levels = await mastery.MasteryAsync(e.UserId, cancellationToken);
            foreach (var concept in e.Concepts.Where(c => levels.GetValueOrDefault(c) >= recommendations.Value.MasteryThreshold))
            {
                // Once per learner and concept: the set remembers which were announced.
                if (await redis.GetDatabase().SetAddAsync(keys.Key($"xapi:mastered:{e.UserId}"), concept))
                {
                    statements.Add(Statement(o, e, "mastered", exercise: false, concept, levels[concept]));
                }
            }

            existing = new StatementBatch { Id = e.RunId, StatementsJson = statements.ToJsonString(), CreatedAt = time.GetUtcNow() };
            try
            {
                await store.Batches.InsertAsync(existing, cancellationToken);
            }
            catch (DuplicateKeyException)
            {
                // a concurrent delivery stored it: its job sends it
            }
        }

        if (existing.SentAt is null)
        {
            jobs.Enqueue<XapiJobs>(j => j.SendAsync(e.RunId, CancellationToken.None));
        }
    }

    private static JsonObject Statement(XapiOptions o, ProgressUpdated e, string verb, bool exercise, string? concept = null, double? level = null)
    {
        var activity = exercise ? new Uri(o.ActivityBase, "exercises/" + Uri.EscapeDataString(e.ExerciseId)) : new Uri(o.ActivityBase, "concepts/" + Uri.EscapeDataString(concept!));
        var result = exercise
            ? new JsonObject
            {
                ["score"] = new JsonObject { ["scaled"] = e.Score, ["raw"] = e.Score * 100, ["min"] = 0, ["max"] = 100 },
                ["success"] = e.Passed,
                ["completion"] = e.Completed,
            }
            : new JsonObject { ["score"] = new JsonObject { ["scaled"] = Math.Round(level ?? 0, 3) }, ["success"] = true };
        return new JsonObject
        {
            ["id"] = StatementId($"{e.RunId}:{verb}:{concept}").ToString(),
            ["actor"] = new JsonObject
            {
                ["objectType"] = "Agent",
                ["account"] = new JsonObject { ["homePage"] = o.ActorHomePage.ToString(), ["name"] = e.UserId },
            },
            ["verb"] = new JsonObject
            {
                ["id"] = "http://adlnet.gov/expapi/verbs/" + verb,
                ["display"] = new JsonObject { ["en-US"] = verb },
            },
            ["object"] = new JsonObject
            {
                ["objectType"] = "Activity",
                ["id"] = activity.ToString(),
                ["definition"] = new JsonObject
                {
                    ["type"] = exercise ? "http://adlnet.gov/expapi/activities/assessment" : "http://adlnet.gov/expapi/activities/objective",
                    ["name"] = new JsonObject { ["en-US"] = exercise ? e.ExerciseId : concept },
                },
            },
            ["result"] = result,
            ["context"] = new JsonObject
            {
                ["contextActivities"] = new JsonObject
                {
                    ["parent"] = new JsonArray(new JsonObject { ["id"] = new Uri(o.ActivityBase, "courses/" + Uri.EscapeDataString(e.CourseId)).ToString() }),
                },
            },
            ["timestamp"] = e.AttemptedAt.ToString("O"),
        };
    }

    // Name-based (RFC 4122 version 5 style) id: the same run and verb always give the same statement id.
    private static Guid StatementId(string name)
    {
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes("lp-xapi:" + name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}

/// <summary>Sends one outbox batch; retried by Hangfire with backoff while the LRS is down. Safe to run twice.</summary>
public sealed class XapiJobs(
    LearningRecordStore store, IHttpClientFactory clients, IOptions<XapiOptions> options, TimeProvider time, ILogger<XapiJobs> logger)
{
    [AutomaticRetry(Attempts = 8, DelaysInSeconds = [1, 10, 60, 300, 900, 3600, 7200, 21600])]
    public async Task SendAsync(string batchId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var batch = await store.Batches.GetAsync(batchId, cancellationToken);
        if (batch is null || batch.SentAt is not null || !o.Enabled || o.Endpoint is null)
        {
            return;
        }

        using var client = clients.CreateClient(LearningRecordsFeature.HttpClientName);
        client.Timeout = o.Timeout;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(o.Endpoint.ToString().TrimEnd('/') + "/statements"))
        {
            Content = new StringContent(batch.StatementsJson, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Experience-API-Version", "1.0.3");
        if (!string.IsNullOrEmpty(o.Username))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.Username}:{o.Password}")));
        }

        using var response = await client.SendAsync(request, cancellationToken);
        // 409: the LRS has these statement ids already (sent before a crash): done.
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Conflict)
        {
            ProgressLog.XapiFailed(logger, batchId, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            throw new HttpRequestException($"The LRS answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        batch.SentAt = time.GetUtcNow();
        try
        {
            await store.Batches.ReplaceAsync(batch, cancellationToken);
        }
        catch (ConcurrencyException)
        {
            // sent by a concurrent run of this job as well: same statement ids, nothing lost
        }

        ProgressLog.XapiSent(logger, batchId, JsonNode.Parse(batch.StatementsJson)!.AsArray().Count);
    }
}
