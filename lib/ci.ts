/** Which CI runs Tollgate, and the link back to its run: one detection for the record, Allure and Slack. */

export interface CiInfo {
  /** `GitHub Actions`, `Jenkins`, `GitLab CI`, `AWS CodeBuild`, `CI`. */
  provider: string;
  /** Short machine name: github, jenkins, gitlab, codebuild, ci. */
  type: string;
  /** The repository or project. */
  url?: string;
  /** The run (job, pipeline, build) this is part of. */
  runUrl?: string;
  /** `workflow #12`, `job #34`. */
  buildName?: string;
  actor?: string;
}

/** undefined outside CI. */
export function detectCi(env: NodeJS.ProcessEnv): CiInfo | undefined {
  if (env.GITHUB_ACTIONS === 'true') {
    const repo = `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY ?? ''}`;
    return {
      provider: 'GitHub Actions',
      type: 'github',
      url: repo,
      runUrl: env.GITHUB_RUN_ID ? `${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
      buildName: `${env.GITHUB_WORKFLOW ?? 'workflow'} #${env.GITHUB_RUN_NUMBER ?? env.GITHUB_RUN_ID ?? '?'}`,
      actor: env.GITHUB_ACTOR,
    };
  }
  if (env.JENKINS_URL) {
    return {
      provider: 'Jenkins',
      type: 'jenkins',
      url: env.JENKINS_URL,
      runUrl: env.BUILD_URL,
      buildName: `${env.JOB_NAME ?? 'job'} #${env.BUILD_NUMBER ?? '?'}`,
      actor: env.BUILD_USER_ID,
    };
  }
  if (env.GITLAB_CI) {
    return {
      provider: 'GitLab CI',
      type: 'gitlab',
      url: env.CI_PROJECT_URL,
      runUrl: env.CI_JOB_URL ?? env.CI_PIPELINE_URL,
      buildName: `${env.CI_PROJECT_PATH ?? 'pipeline'} #${env.CI_PIPELINE_IID ?? env.CI_PIPELINE_ID ?? '?'}`,
      actor: env.GITLAB_USER_LOGIN,
    };
  }
  if (env.CODEBUILD_BUILD_ID)
    return { provider: 'AWS CodeBuild', type: 'codebuild', runUrl: env.CODEBUILD_BUILD_URL, buildName: env.CODEBUILD_BUILD_ID };
  return env.CI ? { provider: 'CI', type: 'ci' } : undefined;
}
