using System.Linq.Expressions;

namespace LearningPlatform.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="IDocumentStore"/> adapter must show. Each concrete class gives a fresh, empty
/// store per test (xunit makes one instance per test) and cleans it up on dispose.
/// </summary>
public abstract class DocumentStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 14, 9, 26, 53, 589, TimeSpan.Zero);

    protected string DatabaseName { get; } = "t_" + Guid.NewGuid().ToString("N");

    private IDocumentStore _store = null!;

    private IDocumentCollection<Lesson> Lessons => _store.Collection<Lesson>("lessons");

    /// <summary>Opens <see cref="DatabaseName"/> through a new factory (a second call simulates a restart).</summary>
    protected abstract IDocumentStoreFactory CreateFactory();

    /// <summary>Releases the factories made so far, to reopen the store, and at the end of each test.</summary>
    protected abstract Task ReleaseFactoriesAsync(bool dropData);

    public Task InitializeAsync()
    {
        _store = CreateFactory().Open(DatabaseName);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => ReleaseFactoriesAsync(dropData: true);

    private static Lesson NewLesson(string id, Action<Lesson>? change = null)
    {
        var lesson = new Lesson { Id = id, Title = id, Email = id + "@example.org", At = T0 };
        change?.Invoke(lesson);
        return lesson;
    }

    private async Task SeedAsync()
    {
        await Lessons.InsertAsync(NewLesson("a", l =>
        {
            l.Title = "Alpha"; l.Count = 1; l.Big = 10_000_000_000; l.Score = 1.5; l.Published = true; l.Level = Level.Beginner;
            l.At = T0; l.Tags = ["x", "y"]; l.Address = new Address("Oslo", 150); l.Rating = 5;
        }));
        await Lessons.InsertAsync(NewLesson("b", l =>
        {
            l.Title = "Beta"; l.Count = 2; l.Big = 20_000_000_000; l.Score = 2.5; l.Level = Level.Intermediate;
            l.At = T0.AddHours(1); l.Tags = ["y"]; l.Address = new Address("Bergen", 5003);
        }));
        await Lessons.InsertAsync(NewLesson("c", l =>
        {
            l.Title = "alphabet"; l.Count = 3; l.Big = 30_000_000_000; l.Score = 3.5; l.Published = true; l.Level = Level.Advanced;
            l.At = T0.AddHours(2); l.Rating = 3;
        }));
        await Lessons.InsertAsync(NewLesson("d", l =>
        {
            l.Title = "Gamma"; l.Count = 4; l.Big = 40_000_000_000; l.Score = 4.5; l.Level = Level.Beginner;
            l.At = T0.AddHours(-1); l.Tags = ["x"]; l.Address = new Address("Oslo", 151); l.Rating = 1;
        }));
    }

    private async Task AssertFindsAsync(Expression<Func<Lesson, bool>> filter, params string[] expected)
    {
        var found = await Lessons.FindAsync(filter);
        Assert.Equal(expected.Order(StringComparer.Ordinal), found.Select(l => l.Id).Order(StringComparer.Ordinal));
        Assert.Equal(expected.Length, await Lessons.CountAsync(filter));
    }

    private async Task AssertSortedAsync(FindOptions<Lesson> options, params string[] expected)
    {
        var found = await Lessons.FindAsync(_ => true, options);
        Assert.Equal(expected, found.Select(l => l.Id));
    }

    // Insert and get

    [ContractFact]
    public async Task Insert_SetsVersionToOne()
    {
        var lesson = NewLesson("a");
        await Lessons.InsertAsync(lesson);

        Assert.Equal(1, lesson.Version);
        Assert.Equal(1, (await Lessons.GetAsync("a"))!.Version);
    }

    [ContractFact]
    public async Task Get_RoundTripsEveryFieldType()
    {
        // Sub-millisecond ticks and a non-UTC offset: stores keep the UTC instant at millisecond precision.
        var at = new DateTimeOffset(2025, 6, 1, 12, 30, 15, 123, TimeSpan.FromHours(2)).AddTicks(4567);
        var lesson = new Lesson
        {
            Id = "all", Title = "Ünïcødé ✓", Email = "all@example.org", Count = -42, Big = long.MaxValue - 1, Score = 0.1 + 0.2,
            Published = true, Level = Level.Advanced, At = at, Rating = 7, Note = "note", PublishedAt = at.AddDays(1),
            PreviousLevel = Level.Intermediate, Tags = ["a", "b", "a"], Meta = new() { ["lang"] = "cs", ["track"] = "basics" },
            Address = new Address("Trondheim", 7010),
            Steps = [new Step { Title = "one", Order = 1, Hints = new() { ["h"] = "hint" } }, new Step { Title = "two", Order = 2 }],
        };
        await Lessons.InsertAsync(lesson);

        var stored = await Lessons.GetAsync("all");

        Assert.NotNull(stored);
        Assert.Equal(lesson.Title, stored.Title);
        Assert.Equal(lesson.Email, stored.Email);
        Assert.Equal(-42, stored.Count);
        Assert.Equal(long.MaxValue - 1, stored.Big);
        Assert.Equal(0.1 + 0.2, stored.Score);
        Assert.True(stored.Published);
        Assert.Equal(Level.Advanced, stored.Level);
        var expectedAt = new DateTimeOffset(2025, 6, 1, 10, 30, 15, 123, TimeSpan.Zero);
        Assert.Equal(expectedAt, stored.At);
        Assert.Equal(TimeSpan.Zero, stored.At.Offset);
        Assert.Equal(expectedAt.AddDays(1), stored.PublishedAt);
        Assert.Equal(7, stored.Rating);
        Assert.Equal("note", stored.Note);
        Assert.Equal(Level.Intermediate, stored.PreviousLevel);
        Assert.Equal(["a", "b", "a"], stored.Tags);
        Assert.Equal(lesson.Meta, stored.Meta);
        Assert.Equal(new Address("Trondheim", 7010), stored.Address);
        Assert.Equal(2, stored.Steps.Count);
        Assert.Equal(("one", 1, "hint"), (stored.Steps[0].Title, stored.Steps[0].Order, stored.Steps[0].Hints["h"]));
        Assert.Equal(("two", 2, 0), (stored.Steps[1].Title, stored.Steps[1].Order, stored.Steps[1].Hints.Count));
        Assert.Equal(1, stored.Version);
    }

    [ContractFact]
    public async Task Get_StringsRoundTripExactly_WhitespaceAndEmptyIncluded()
    {
        // File contents: a trailing newline, indentation and an empty file are content, not noise.
        var lesson = NewLesson("ws");
        lesson.Title = "  def f():\n    pass\n\n";
        lesson.Note = "";
        lesson.Tags = ["", " x "];
        await Lessons.InsertAsync(lesson);

        var stored = await Lessons.GetAsync("ws");

        Assert.Equal("  def f():\n    pass\n\n", stored!.Title);
        Assert.Equal("", stored.Note);
        Assert.Equal(["", " x "], stored.Tags);
    }

    [ContractFact]
    public async Task Get_NullsAndEmptyCollections_RoundTrip()
    {
        await Lessons.InsertAsync(NewLesson("n"));

        var stored = await Lessons.GetAsync("n");

        Assert.NotNull(stored);
        Assert.Null(stored.Rating);
        Assert.Null(stored.Note);
        Assert.Null(stored.PublishedAt);
        Assert.Null(stored.PreviousLevel);
        Assert.Null(stored.Address);
        Assert.Empty(stored.Tags);
        Assert.Empty(stored.Meta);
        Assert.Empty(stored.Steps);
    }

    [ContractFact]
    public async Task Get_UnknownId_ReturnsNull()
    {
        await Lessons.InsertAsync(NewLesson("a"));

        Assert.Null(await Lessons.GetAsync("zzz"));
    }

    [ContractFact]
    public async Task Get_ThroughANarrowerType_IgnoresFieldsItLacks()
    {
        await Lessons.InsertAsync(NewLesson("a", l => l.Title = "Alpha"));

        var header = await _store.Collection<LessonHeader>("lessons").GetAsync("a");

        Assert.Equal(("a", "Alpha", 1L), (header!.Id, header.Title, header.Version));
    }

    [ContractFact]
    public async Task Collections_AreSeparate()
    {
        await Lessons.InsertAsync(NewLesson("a"));

        var other = _store.Collection<Lesson>("other");

        Assert.Null(await other.GetAsync("a"));
        Assert.Equal(0, await other.CountAsync(_ => true));
        await other.InsertAsync(NewLesson("a"));
    }

    // Filters

    [ContractFact]
    public async Task Find_All() { await SeedAsync(); await AssertFindsAsync(_ => true, "a", "b", "c", "d"); }

    [ContractFact]
    public async Task Find_StringEquality_IsCaseSensitive()
    {
        await SeedAsync();
        await AssertFindsAsync(x => x.Title == "Beta", "b");
        await AssertFindsAsync(x => x.Title == "beta");
    }

    [ContractFact]
    public async Task Find_IdEquality() { await SeedAsync(); await AssertFindsAsync(x => x.Id == "c", "c"); }

    [ContractFact]
    public async Task Find_NotEqual() { await SeedAsync(); await AssertFindsAsync(x => x.Count != 2, "a", "c", "d"); }

    [ContractFact]
    public async Task Find_LessThan() { await SeedAsync(); await AssertFindsAsync(x => x.Count < 3, "a", "b"); }

    [ContractFact]
    public async Task Find_GreaterOrEqual() { await SeedAsync(); await AssertFindsAsync(x => x.Count >= 3, "c", "d"); }

    [ContractFact]
    public async Task Find_LongAndDoubleComparisons()
    {
        await SeedAsync();
        await AssertFindsAsync(x => x.Big > 20_000_000_000, "c", "d");
        await AssertFindsAsync(x => x.Score <= 2.5, "a", "b");
    }

    [ContractFact]
    public async Task Find_CapturedVariable()
    {
        await SeedAsync();
        var minimum = 2;
        await AssertFindsAsync(x => x.Count > minimum, "c", "d");
    }

    [ContractFact]
    public async Task Find_And() { await SeedAsync(); await AssertFindsAsync(x => x.Published && x.Count > 1, "c"); }

    [ContractFact]
    public async Task Find_Or() { await SeedAsync(); await AssertFindsAsync(x => x.Count == 1 || x.Level == Level.Advanced, "a", "c"); }

    [ContractFact]
    public async Task Find_Not()
    {
        await SeedAsync();
        await AssertFindsAsync(x => !(x.Count < 3), "c", "d");
        await AssertFindsAsync(x => !x.Published, "b", "d");
    }

    [ContractFact]
    public async Task Find_BoolField() { await SeedAsync(); await AssertFindsAsync(x => x.Published, "a", "c"); }

    [ContractFact]
    public async Task Find_BoolFieldComparedWithConstant() { await SeedAsync(); await AssertFindsAsync(x => x.Published == false, "b", "d"); }

    [ContractFact]
    public async Task Find_EnumEquality()
    {
        await SeedAsync();
        await AssertFindsAsync(x => x.Level == Level.Beginner, "a", "d");
        await AssertFindsAsync(x => x.Level != Level.Beginner, "b", "c");
    }

    [ContractFact]
    public async Task Find_StringStartsWith_IsCaseSensitive()
    {
        await SeedAsync();
        await AssertFindsAsync(x => x.Title.StartsWith("Al"), "a");
        await AssertFindsAsync(x => x.Title.StartsWith("al"), "c");
    }

    [ContractFact]
    public async Task Find_StringContains_IsCaseSensitive()
    {
        await SeedAsync();
        await AssertFindsAsync(x => x.Title.Contains("ph"), "a", "c");
        await AssertFindsAsync(x => x.Title.Contains("ET"));
    }

    [ContractFact]
    public async Task Find_StringWithRegexAndLikeCharacters_IsLiteral()
    {
        await Lessons.InsertAsync(NewLesson("p", l => l.Title = "50% off (a.b)"));
        await Lessons.InsertAsync(NewLesson("q", l => l.Title = "500 offers"));

        await AssertFindsAsync(x => x.Title.StartsWith("50%"), "p");
        await AssertFindsAsync(x => x.Title.Contains("(a.b)"), "p");
        await AssertFindsAsync(x => x.Title.Contains("a_b"));
    }

    [ContractFact]
    public async Task Find_StringContains_FindsOverlappingRepeats()
    {
        await Lessons.InsertAsync(NewLesson("r", l => l.Title = "aaab"));

        await AssertFindsAsync(x => x.Title.Contains("aab"), "r");
        await AssertFindsAsync(x => x.Title.StartsWith("aaa"), "r");
        await AssertFindsAsync(x => x.Title.Contains(""), "r");
    }

    [ContractFact]
    public async Task Find_ListFieldContains() { await SeedAsync(); await AssertFindsAsync(x => x.Tags.Contains("x"), "a", "d"); }

    [ContractFact]
    public async Task Find_ValueInCapturedList()
    {
        await SeedAsync();
        List<string> ids = ["a", "c", "zzz"];
        await AssertFindsAsync(x => ids.Contains(x.Id), "a", "c");
    }

    [ContractFact]
    public async Task Find_ValueInCapturedArray()
    {
        await SeedAsync();
        string[] titles = ["Beta", "Gamma"];
        await AssertFindsAsync(x => titles.Contains(x.Title), "b", "d");
    }

    [ContractFact]
    public async Task Find_NestedFieldEquality() { await SeedAsync(); await AssertFindsAsync(x => x.Address!.City == "Oslo", "a", "d"); }

    [ContractFact]
    public async Task Find_NullableField()
    {
        await SeedAsync();
        await AssertFindsAsync(x => x.Rating == null, "b");
        await AssertFindsAsync(x => x.Rating != null, "a", "c", "d");
        await AssertFindsAsync(x => x.Rating > 2, "a", "c");
        await AssertFindsAsync(x => x.Address == null, "c");
    }

    [ContractFact]
    public async Task Find_DateTimeOffsetComparison()
    {
        await SeedAsync();
        await AssertFindsAsync(x => x.At > T0, "b", "c");
        // The same instant written with another offset compares equal.
        var sameInstant = T0.ToOffset(TimeSpan.FromHours(-5));
        await AssertFindsAsync(x => x.At <= sameInstant, "a", "d");
    }

    // Sort and paging

    [ContractFact]
    public async Task Find_SortByString_IsOrdinal()
    {
        await SeedAsync();
        await AssertSortedAsync(new() { SortBy = x => x.Title }, "a", "b", "d", "c");
        await AssertSortedAsync(new() { SortBy = x => x.Title, Descending = true }, "c", "d", "b", "a");
    }

    [ContractFact]
    public async Task Find_SortByInt()
    {
        await SeedAsync();
        await AssertSortedAsync(new() { SortBy = x => x.Count }, "a", "b", "c", "d");
        await AssertSortedAsync(new() { SortBy = x => x.Count, Descending = true }, "d", "c", "b", "a");
    }

    [ContractFact]
    public async Task Find_SortByDateTimeOffset()
    {
        await SeedAsync();
        await AssertSortedAsync(new() { SortBy = x => x.At }, "d", "a", "b", "c");
        await AssertSortedAsync(new() { SortBy = x => x.At, Descending = true }, "c", "b", "a", "d");
    }

    [ContractFact]
    public async Task Find_SortByNestedField()
    {
        await SeedAsync();
        var found = await Lessons.FindAsync(x => x.Address != null, new() { SortBy = x => x.Address!.Zip });
        Assert.Equal(["a", "d", "b"], found.Select(l => l.Id));
    }

    [ContractFact]
    public async Task Find_SkipAndLimit_Page()
    {
        await SeedAsync();
        await AssertSortedAsync(new() { SortBy = x => x.Count, Skip = 1, Limit = 2 }, "b", "c");
        await AssertSortedAsync(new() { SortBy = x => x.Count, Skip = 3, Limit = 2 }, "d");
        await AssertSortedAsync(new() { SortBy = x => x.Count, Skip = 4 });
        await AssertSortedAsync(new() { SortBy = x => x.Count, Limit = 0 });
    }

    [ContractFact]
    public async Task Find_FilterSortAndPageTogether()
    {
        await SeedAsync();
        var found = await Lessons.FindAsync(x => x.Count > 1, new() { SortBy = x => x.At, Descending = true, Skip = 1, Limit = 1 });
        Assert.Equal(["b"], found.Select(l => l.Id));
    }

    [ContractFact]
    public async Task Find_NegativeSkipOrLimit_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Lessons.FindAsync(_ => true, new() { Skip = -1 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Lessons.FindAsync(_ => true, new() { Limit = -1 }));
    }

    [ContractFact]
    public async Task Count_CountsMatches()
    {
        await SeedAsync();
        Assert.Equal(4, await Lessons.CountAsync(_ => true));
        Assert.Equal(2, await Lessons.CountAsync(x => x.Published));
        Assert.Equal(0, await Lessons.CountAsync(x => x.Count > 100));
    }

    // Keys and indexes

    [ContractFact]
    public async Task Insert_DuplicateId_ThrowsDuplicateKey_AndKeepsTheStoredDocument()
    {
        await Lessons.InsertAsync(NewLesson("a", l => l.Title = "first"));
        var duplicate = NewLesson("a", l => l.Title = "second");

        await Assert.ThrowsAsync<DuplicateKeyException>(() => Lessons.InsertAsync(duplicate));

        Assert.Equal(0, duplicate.Version);
        Assert.Equal("first", (await Lessons.GetAsync("a"))!.Title);
        Assert.Equal(1, await Lessons.CountAsync(_ => true));
    }

    [ContractFact]
    public async Task UniqueIndex_RejectsDuplicateOnInsert()
    {
        await Lessons.EnsureIndexAsync(x => x.Email, unique: true);
        await Lessons.InsertAsync(NewLesson("a", l => l.Email = "same@example.org"));

        await Assert.ThrowsAsync<DuplicateKeyException>(() => Lessons.InsertAsync(NewLesson("b", l => l.Email = "same@example.org")));

        Assert.Null(await Lessons.GetAsync("b"));
    }

    [ContractFact]
    public async Task UniqueIndex_IsCaseSensitive()
    {
        await Lessons.EnsureIndexAsync(x => x.Email, unique: true);
        await Lessons.InsertAsync(NewLesson("a", l => l.Email = "same@example.org"));

        await Lessons.InsertAsync(NewLesson("b", l => l.Email = "SAME@example.org"));
    }

    [ContractFact]
    public async Task UniqueIndex_RejectsDuplicateOnReplace_AndRestoresVersion()
    {
        await Lessons.EnsureIndexAsync(x => x.Email, unique: true);
        await Lessons.InsertAsync(NewLesson("a", l => l.Email = "a@example.org"));
        await Lessons.InsertAsync(NewLesson("b", l => l.Email = "b@example.org"));
        var b = (await Lessons.GetAsync("b"))!;
        b.Email = "a@example.org";

        await Assert.ThrowsAsync<DuplicateKeyException>(() => Lessons.ReplaceAsync(b));

        Assert.Equal(1, b.Version);
        var stored = (await Lessons.GetAsync("b"))!;
        Assert.Equal(("b@example.org", 1L), (stored.Email, stored.Version));
        // The caller can fix the document and retry with the version it holds.
        b.Email = "new@example.org";
        await Lessons.ReplaceAsync(b);
        Assert.Equal(2, b.Version);
    }

    [ContractFact]
    public async Task UniqueIndex_OnValueTypeField_RejectsDuplicate()
    {
        await Lessons.EnsureIndexAsync(x => x.Count, unique: true);
        await Lessons.InsertAsync(NewLesson("a", l => l.Count = 7));

        await Assert.ThrowsAsync<DuplicateKeyException>(() => Lessons.InsertAsync(NewLesson("b", l => l.Count = 7)));
    }

    [ContractFact]
    public async Task NonUniqueIndex_AllowsDuplicates_AndEnsureIsIdempotent()
    {
        await Lessons.EnsureIndexAsync(x => x.Level);
        await Lessons.EnsureIndexAsync(x => x.Level);
        await Lessons.EnsureIndexAsync(x => x.Address!.City);

        await Lessons.InsertAsync(NewLesson("a", l => l.Level = Level.Advanced));
        await Lessons.InsertAsync(NewLesson("b", l => l.Level = Level.Advanced));

        await AssertFindsAsync(x => x.Level == Level.Advanced, "a", "b");
    }

    [ContractFact]
    public async Task UniqueIndex_CreatedOverDuplicates_Fails()
    {
        await Lessons.InsertAsync(NewLesson("a", l => l.Email = "same@example.org"));
        await Lessons.InsertAsync(NewLesson("b", l => l.Email = "same@example.org"));

        await Assert.ThrowsAnyAsync<Exception>(() => Lessons.EnsureIndexAsync(x => x.Email, unique: true));
    }

    // Replace and optimistic concurrency

    [ContractFact]
    public async Task Replace_BumpsVersion_AndStoresTheChange()
    {
        await Lessons.InsertAsync(NewLesson("a"));
        var lesson = (await Lessons.GetAsync("a"))!;
        lesson.Title = "changed";
        lesson.Tags.Add("new");

        await Lessons.ReplaceAsync(lesson);
        await Lessons.ReplaceAsync(lesson);

        Assert.Equal(3, lesson.Version);
        var stored = (await Lessons.GetAsync("a"))!;
        Assert.Equal(("changed", 3L), (stored.Title, stored.Version));
        Assert.Equal(["new"], stored.Tags);
    }

    [ContractFact]
    public async Task Replace_StaleVersion_ThrowsConcurrency_AndLeavesTheStoredDocument()
    {
        await Lessons.InsertAsync(NewLesson("a"));
        var first = (await Lessons.GetAsync("a"))!;
        var second = (await Lessons.GetAsync("a"))!;
        first.Title = "first wins";
        await Lessons.ReplaceAsync(first);
        second.Title = "second loses";

        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => Lessons.ReplaceAsync(second));

        Assert.Equal("a", error.Id);
        Assert.Equal(1, second.Version);
        var stored = (await Lessons.GetAsync("a"))!;
        Assert.Equal(("first wins", 2L), (stored.Title, stored.Version));
    }

    [ContractFact]
    public async Task Replace_ConcurrentWritersFromTheSameRead_ExactlyOneWins()
    {
        const int writers = 20;
        await Lessons.InsertAsync(NewLesson("a"));
        var copies = new List<Lesson>();
        for (var i = 0; i < writers; i++)
        {
            var copy = (await Lessons.GetAsync("a"))!;
            copy.Title = "writer " + i;
            copies.Add(copy);
        }

        using var start = new ManualResetEventSlim();
        var tasks = copies.Select(copy => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await Lessons.ReplaceAsync(copy);
                return (Exception?)null;
            }
            catch (Exception e)
            {
                return e;
            }
        })).ToList();
        start.Set();
        var outcomes = await Task.WhenAll(tasks);

        Assert.Single(outcomes, e => e is null);
        Assert.All(outcomes.Where(e => e is not null), e => Assert.IsType<ConcurrencyException>(e));
        var winner = copies[Array.IndexOf(outcomes, null)];
        var stored = (await Lessons.GetAsync("a"))!;
        Assert.Equal((winner.Title, 2L), (stored.Title, stored.Version));
        Assert.All(copies.Where(c => c != winner), c => Assert.Equal(1, c.Version));
    }

    [ContractFact]
    public async Task Replace_UnknownId_ThrowsNotFound()
    {
        var ghost = NewLesson("ghost", l => l.Version = 1);

        await Assert.ThrowsAsync<DocumentNotFoundException>(() => Lessons.ReplaceAsync(ghost));

        Assert.Equal(1, ghost.Version);
        Assert.Null(await Lessons.GetAsync("ghost"));
    }

    [ContractFact]
    public async Task Replace_AfterDelete_ThrowsNotFound()
    {
        await Lessons.InsertAsync(NewLesson("a"));
        var lesson = (await Lessons.GetAsync("a"))!;
        await Lessons.DeleteAsync("a");

        await Assert.ThrowsAsync<DocumentNotFoundException>(() => Lessons.ReplaceAsync(lesson));
    }

    // Delete

    [ContractFact]
    public async Task Delete_ReturnsWhetherThereWasADocument()
    {
        await Lessons.InsertAsync(NewLesson("a"));

        Assert.True(await Lessons.DeleteAsync("a"));
        Assert.False(await Lessons.DeleteAsync("a"));
        Assert.Null(await Lessons.GetAsync("a"));
        Assert.False(await Lessons.DeleteAsync("never"));
    }

    // Lifetime and names

    [ContractFact]
    public async Task Data_SurvivesReopeningTheStore()
    {
        await Lessons.EnsureIndexAsync(x => x.Email, unique: true);
        await Lessons.InsertAsync(NewLesson("a", l => l.Title = "kept"));
        var changed = (await Lessons.GetAsync("a"))!;
        await Lessons.ReplaceAsync(changed);

        await ReleaseFactoriesAsync(dropData: false);
        _store = CreateFactory().Open(DatabaseName);

        var stored = (await Lessons.GetAsync("a"))!;
        Assert.Equal(("kept", 2L), (stored.Title, stored.Version));
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Lessons.InsertAsync(NewLesson("b", l => l.Email = stored.Email)));
    }

    [ContractFact]
    public void InvalidNames_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => _store.Collection<Lesson>("Lessons"));
        Assert.Throws<ArgumentException>(() => _store.Collection<Lesson>("a b"));
        Assert.Throws<ArgumentException>(() => _store.Collection<Lesson>("../x"));
        Assert.Throws<ArgumentException>(() => _store.Collection<Lesson>(""));
        Assert.Throws<ArgumentException>(() => CreateFactory().Open("Bad.Name"));
    }
}
