using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>Limits and timings of the workbench hub (<c>/hubs/workbench</c>).</summary>
public sealed class WorkbenchOptions : IValidatableObject
{
    public const string SectionName = "Workbench";

    /// <summary>Largest hub message a client may send, in bytes. SignalR closes a connection that sends more (it
    /// cannot read half a frame), so this sits above what <see cref="MaxFileChars"/> needs: over-sized edits below
    /// it get a <c>HubException</c> instead.</summary>
    [Range(4 * 1024, 16 * 1024 * 1024)]
    public long MaxMessageBytes { get; set; } = 512 * 1024;

    /// <summary>Sustained edits per second per connection (token bucket refill).</summary>
    [Range(1, 10_000)]
    public int EditsPerSecond { get; set; } = 20;

    /// <summary>Edits a connection may send at once above the sustained rate (token bucket size).</summary>
    [Range(1, 10_000)]
    public int EditBurst { get; set; } = 40;

    /// <summary>Changes in one <c>ApplyEdits</c> call.</summary>
    [Range(1, 10_000)]
    public int MaxChangesPerEdit { get; set; } = 200;

    /// <summary>How often every connection is pinged (spread evenly over the interval by the
    /// <see cref="KeepAlivePacer"/>). Clients' server timeouts must exceed it: SignalR clients wait 30 s by default,
    /// twice the 15 s default here, as with SignalR's own keep-alive.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a session edited on this hub may stay unsaved in the document store (it is saved at once when
    /// its learner leaves). With <see cref="BackupInterval"/> this bounds what an emptied Redis can take: about 1.25 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan BackupDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often due sessions are saved, in one batch.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan BackupInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    [Range(1, 500)]
    public int MaxBackupBatch { get; set; } = 200;

    /// <summary>A session restored from its saved copy continues this many versions after it: more than can have been
    /// acknowledged since it was saved, so no version number is given out twice.</summary>
    [Range(1, 1_000_000)]
    public int RestoreVersionGap { get; set; } = 1000;

    /// <summary>Learner files in one session (the exercise's starter files).</summary>
    [Range(1, 100)]
    public int MaxFilesPerSession { get; set; } = 20;

    /// <summary>Characters in one file; an edit that would make a file longer is refused.</summary>
    [Range(1, 4 * 1024 * 1024)]
    public int MaxFileChars { get; set; } = 64 * 1024;

    /// <summary>Runs and submits of one user at the same time (across hub processes).</summary>
    [Range(1, 100)]
    public int MaxConcurrentRunsPerUser { get; set; } = 2;

    /// <summary>
    /// New hub connections (negotiations, or connects that skip negotiation) one account may open per minute, sustained,
    /// on this hub process; a client stays on one process behind the entry point, and reconnects of a connection that
    /// is still known (stateful reconnect) do not count.
    /// </summary>
    [Range(1, 100_000)]
    public int ConnectionsPerMinutePerUser { get; set; } = 30;

    /// <summary>New hub connections one account may open at once above the sustained rate (tabs, quick navigation).</summary>
    [Range(1, 100_000)]
    public int ConnectionBurstPerUser { get; set; } = 30;

    /// <summary>Hub connections this process accepts. 0: the process's open-file limit minus
    /// <see cref="ConnectionReserve"/>, read at start.</summary>
    [Range(0, 1_000_000)]
    public int MaxConnections { get; set; }

    /// <summary>Open files kept for everything but hub connections (Redis, HTTP clients, logs, the API).</summary>
    [Range(0, 1_000_000)]
    public int ConnectionReserve { get; set; } = 1_000;

    /// <summary>How long a session is kept after its last change.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan SessionRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Entries a session's edit history is trimmed to (approximately).</summary>
    [Range(1_000, 10_000_000)]
    public int MaxHistoryEntries { get; set; } = 200_000;

    /// <summary>Most edits <c>Resume</c> sends; a longer gap gets a snapshot.</summary>
    [Range(1, 100_000)]
    public int MaxResumeEdits { get; set; } = 1_000;

    /// <summary>Sessions active within this window are "live" for instructors.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan LiveWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Most sessions an instructor's overview of one course lists (the most recently active).</summary>
    [Range(1, 10_000)]
    public int MaxLiveSessions { get; set; } = 500;

    /// <summary>How often, at most, a hub process pushes one course's changed sessions to the instructors watching its
    /// dashboard: changes in between are coalesced, so a thousand typing learners cost one message per interval.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan DashboardPushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Instructors' hints kept with a session (the newest), which the watch view lists.</summary>
    [Range(1, 1_000)]
    public int MaxHintsKept { get; set; } = 50;

    /// <summary>Runs kept in a session's run history (the newest), which a replay marks on its timeline.</summary>
    [Range(1, 10_000)]
    public int MaxRunsKept { get; set; } = 200;

    /// <summary>How long a course's instructor list is cached.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CourseCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest the hub relays one run's events; after that the run counts as lost.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan RunRelayTimeout { get; set; } = TimeSpan.FromMinutes(6);

    /// <summary>Characters in one hint.</summary>
    [Range(1, 100_000)]
    public int MaxHintChars { get; set; } = 2_000;

    /// <summary>Largest hub message the server sends back is not limited; this is how many edits one replay
    /// reads from Redis at a time.</summary>
    [Range(10, 10_000)]
    public int ReplayPageSize { get; set; } = 500;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A whole-file paste must fit in one message, JSON-escaped (up to 6 bytes per character) or not.
        if (MaxMessageBytes < 2L * MaxFileChars)
        {
            yield return new ValidationResult(
                $"{SectionName}:MaxMessageBytes ({MaxMessageBytes}) must be at least twice {SectionName}:MaxFileChars ({MaxFileChars}).",
                [nameof(MaxMessageBytes)]);
        }

        if (EditBurst < 1 || EditsPerSecond < 1)
        {
            yield return new ValidationResult("Edit rates must be positive.", [nameof(EditBurst)]);
        }
    }
}
