using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Catalog;

/// <summary>
/// What the Exercises feature may ask of the catalog in process: read a course (for its instructors, languages and
/// concepts) and keep the course's ordered exercise list in step with exercises created, renamed and deleted.
/// Exercises never open the catalog's collection themselves.
/// </summary>
public sealed class CourseCatalog(CatalogStore store, ILogger<CourseCatalog> logger)
{
    private const int MaxAttempts = 5;

    public Task<Course?> GetAsync(string courseId, CancellationToken cancellationToken) =>
        store.Courses.GetAsync(courseId, cancellationToken);

    /// <summary>Every course, for features that work across the catalog (recommendations).</summary>
    public Task<IReadOnlyList<Course>> AllAsync(CancellationToken cancellationToken) =>
        store.Courses.FindAsync(c => c.Id != "", new FindOptions<Course> { SortBy = c => c.Id }, cancellationToken);

    /// <summary>Appends the exercise to the module; false when the course or module is gone.</summary>
    public Task<bool> AttachExerciseAsync(string courseId, string moduleId, string exerciseId, string title, CancellationToken cancellationToken) =>
        ChangeAsync(courseId, course =>
        {
            if (course.Modules.FirstOrDefault(m => m.Id == moduleId) is not { } module)
            {
                return false;
            }

            // Once per course: a retried attach (an import taken over after a crash) must not add it to a second module.
            if (!course.Modules.Any(m => m.Exercises.Any(e => e.Id == exerciseId)))
            {
                module.Exercises.Add(new ExerciseRef { Id = exerciseId, Title = title });
            }

            return true;
        }, cancellationToken);

    public Task<bool> RenameExerciseAsync(string courseId, string exerciseId, string title, CancellationToken cancellationToken) =>
        ChangeAsync(courseId, course =>
        {
            var refs = course.Modules.SelectMany(m => m.Exercises).Where(e => e.Id == exerciseId).ToList();
            refs.ForEach(e => e.Title = title);
            return refs.Count > 0;
        }, cancellationToken);

    public Task<bool> DetachExerciseAsync(string courseId, string exerciseId, CancellationToken cancellationToken) =>
        ChangeAsync(courseId, course => course.Modules.Sum(m => m.Exercises.RemoveAll(e => e.Id == exerciseId)) > 0, cancellationToken);

    /// <summary>Stores a new course; false when one with its id exists.</summary>
    public async Task<bool> CreateAsync(Course course, CancellationToken cancellationToken)
    {
        course.RefreshSearchText();
        try
        {
            await store.Courses.InsertAsync(course, cancellationToken);
            return true;
        }
        catch (DuplicateKeyException)
        {
            return false;
        }
    }

    // These writes are small and commute with an instructor's edit, so a lost race is retried on the fresh
    // document instead of being reported to the caller.
    public async Task<bool> ChangeAsync(string courseId, Func<Course, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await store.Courses.GetAsync(courseId, cancellationToken) is not { } course || !change(course))
            {
                return false;
            }

            course.RefreshSearchText();
            try
            {
                await store.Courses.ReplaceAsync(course, cancellationToken);
                return true;
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                CatalogLog.CourseWriteRetried(logger, courseId, attempt);
            }
        }
    }
}
