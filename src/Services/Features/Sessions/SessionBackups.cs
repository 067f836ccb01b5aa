using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Sessions;

/// <summary>
/// The document store's copy of learners' workbench sessions (their files and version), which the Hub writes through
/// at most a couple of seconds behind the last accepted edit and reads back when Redis has lost a session. Redis
/// keeps the live session and its edit history; this keeps the latest text, which may not be lost.
/// </summary>
public sealed class SessionBackup : IDocument
{
    /// <summary>The session id.</summary>
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public string UserId { get; set; } = "";

    public string ExerciseId { get; set; } = "";

    public string CourseId { get; set; } = "";

    public string Language { get; set; } = "";

    /// <summary>The session's own version (edits accepted), not the document's.</summary>
    public long SessionVersion { get; set; }

    public List<BackupFile> Files { get; set; } = [];

    public DateTimeOffset SavedAt { get; set; }
}

public sealed class BackupFile
{
    public string Name { get; set; } = "";

    public string Content { get; set; } = "";
}

public sealed record BackupDto(string SessionId, string UserId, string ExerciseId, string CourseId, string Language, long Version,
    IReadOnlyList<BackupFileDto> Files, DateTimeOffset SavedAt)
{
    public static BackupDto From(SessionBackup b) =>
        new(b.Id, b.UserId, b.ExerciseId, b.CourseId, b.Language, b.SessionVersion, [.. b.Files.Select(f => new BackupFileDto(f.Name, f.Content))], b.SavedAt);
}

public sealed record BackupFileDto(string Name, string Content);

public sealed class SessionBackupStore(IDocumentStoreFactory stores)
{
    public const string Database = "sessions";

    public IDocumentCollection<SessionBackup> Backups { get; } = stores.Open(Database).Collection<SessionBackup>("backups");
}

public static class SessionsFeature
{
    private const int MaxBatch = 500;

    public static IHostApplicationBuilder AddSessionBackups(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SessionBackupStore>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSessionBackups(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/sessions/backups").WithTags("Sessions").RequireAuthorization(AuthExtensions.ServiceOnly);
        group.MapPut("/", SaveAsync)
            .WithName("SaveSessionBackups")
            .WithSummary("Saves the latest text of workbench sessions (platform processes only); an older version never replaces a newer one.");
        group.MapGet("/{sessionId}", GetByIdAsync)
            .WithName("GetSessionBackup")
            .WithSummary("A session's saved text by session id (platform processes only).");
        group.MapGet("/", FindAsync)
            .WithName("FindSessionBackup")
            .WithSummary("A learner's saved session of an exercise (platform processes only).");
        return api;
    }

    private static async Task<IResult> SaveAsync(List<BackupDto> backups, SessionBackupStore store, CancellationToken cancellationToken)
    {
        if (backups.Count > MaxBatch)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [""] = [$"At most {MaxBatch} sessions at once."] });
        }

        foreach (var dto in backups)
        {
            await SaveOneAsync(dto, store, cancellationToken);
        }

        return Results.NoContent();
    }

    private static async Task SaveOneAsync(BackupDto dto, SessionBackupStore store, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await store.Backups.GetAsync(dto.SessionId, cancellationToken);
            if (existing is not null && existing.SessionVersion >= dto.Version)
            {
                return; // a later save (or this one, again) is already there
            }

            var backup = existing ?? new SessionBackup { Id = dto.SessionId };
            backup.UserId = dto.UserId;
            backup.ExerciseId = dto.ExerciseId;
            backup.CourseId = dto.CourseId;
            backup.Language = dto.Language;
            backup.SessionVersion = dto.Version;
            backup.Files = [.. dto.Files.Select(f => new BackupFile { Name = f.Name, Content = f.Content })];
            backup.SavedAt = dto.SavedAt;
            try
            {
                if (existing is null)
                {
                    await store.Backups.InsertAsync(backup, cancellationToken);
                }
                else
                {
                    await store.Backups.ReplaceAsync(backup, cancellationToken);
                }

                return;
            }
            catch (Exception e) when (e is ConcurrencyException or DuplicateKeyException)
            {
                // another hub saved it meanwhile: compare again
            }
        }
    }

    private static async Task<IResult> GetByIdAsync(string sessionId, SessionBackupStore store, CancellationToken cancellationToken) =>
        await store.Backups.GetAsync(sessionId, cancellationToken) is { } backup ? Results.Ok(BackupDto.From(backup)) : Results.NotFound();

    private static async Task<IResult> FindAsync(string userId, string exerciseId, SessionBackupStore store, CancellationToken cancellationToken)
    {
        var found = await store.Backups.FindAsync(b => b.UserId == userId && b.ExerciseId == exerciseId, cancellationToken: cancellationToken);
        return found.OrderByDescending(b => b.SavedAt).FirstOrDefault() is { } backup ? Results.Ok(BackupDto.From(backup)) : Results.NotFound();
    }
}
