[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("LearningPlatform.Storage.Tests")]
