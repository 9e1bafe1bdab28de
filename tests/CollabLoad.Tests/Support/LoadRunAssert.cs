using CollabLoad.Reporting;

namespace CollabLoad.Tests.Support;

/// <summary>What every load-run test demands of its result, whatever the workload: no error, everyone connected and converged, edits acked.</summary>
public static class LoadRunAssert
{
    public static void CleanAndConverged(LoadResult result, int editors)
    {
        Assert.Empty(result.ErrorSamples);
        Assert.Equal(0, result.Errors);
        Assert.Equal(editors, result.ConnectedEditors);
        Assert.True(result.Convergence.Converged, string.Join("; ", result.Convergence.Divergences));
        Assert.Equal(editors, result.Convergence.EditorsChecked);
        // Editing really happened (not a run that converged by doing nothing).
        Assert.True(result.OpsAcked > 0);
    }
}
