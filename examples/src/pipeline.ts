console.log('pipeline: not yet implemented');
